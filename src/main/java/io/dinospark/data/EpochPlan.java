package io.dinospark.data;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.storage.StorageLevel;

import scala.Tuple2;

/**
 * Which images each step of one epoch reads. Every image is visited once per epoch, in a seeded random order
 * (DINO drops the last incomplete batch, and so does this). The order is a permutation computed per image, the
 * images are grouped by step on the executors, and the driver fetches one step's {@link ImageRef}s at a time: a
 * few kilobytes, never image bytes.
 */
public final class EpochPlan {

    private final JavaPairRDD<Long, Tuple2<Long, ImageRef>> byStep;
    private final long steps;

    /**
     * @param totalBatch images per step, over all workers
     */
    public EpochPlan(ImageCatalog catalog, int totalBatch, long runSeed, int epoch) {
        if (totalBatch <= 0 || totalBatch > catalog.count()) {
            throw new IllegalArgumentException("a step of " + totalBatch + " images does not fit a data set of "
                    + catalog.count() + " images");
        }
        this.steps = catalog.count() / totalBatch;
        long n = catalog.count();
        long seed = RunSeeds.epochOrder(runSeed, epoch);
        long lastStep = steps;
        int partitions = (int) Math.max(1, Math.min(steps, catalog.images().getNumPartitions()));
        this.byStep = catalog.images()
                .mapPartitionsToPair(refs -> {
                    SeededPermutation order = new SeededPermutation(n, seed);
                    List<Tuple2<Long, Tuple2<Long, ImageRef>>> out = new ArrayList<>();
                    refs.forEachRemaining(ref -> {
                        long position = order.inverse(ref.id());
                        if (position / totalBatch < lastStep) {
                            out.add(new Tuple2<>(position / totalBatch, new Tuple2<>(position, ref)));
                        }
                    });
                    return out.iterator();
                })
                .partitionBy(new HashPartitioner(partitions))
                .persist(StorageLevel.MEMORY_AND_DISK());
    }

    public long steps() {
        return steps;
    }

    /** The images of step {@code step} of this epoch, in their order; a job on one partition only. */
    public List<ImageRef> images(long step) {
        if (step < 0 || step >= steps) {
            throw new IllegalArgumentException("step " + step + " is outside this epoch's [0, " + steps + ")");
        }
        return byStep.lookup(step).stream()
                .sorted(Comparator.comparingLong(Tuple2::_1))
                .map(Tuple2::_2)
                .toList();
    }

    public void release() {
        byStep.unpersist();
    }
}
