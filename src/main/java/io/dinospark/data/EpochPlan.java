package io.dinospark.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.apache.spark.storage.StorageLevel;

import scala.Tuple2;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * Which images each step of one epoch reads, and on which worker. Every image is visited once per epoch in a
 * seeded random order (the last incomplete step is dropped, as DINO's loader does). The order is a permutation
 * computed per image on the executors, which also group the images into one partition per (step, worker). A step
 * is then known to the driver by its number alone: {@link #step(long)} selects that step's partitions, and no image
 * reference or byte passes through the driver.
 */
public final class EpochPlan {

    private final JavaPairRDD<Long, Tuple2<Long, ImageRef>> plan;
    private final int workers;
    private final long steps;

    public EpochPlan(ImageCatalog catalog, int workers, int batchPerWorker, long runSeed, int epoch) {
        long perStep = (long) workers * batchPerWorker;
        if (workers <= 0 || batchPerWorker <= 0 || perStep > catalog.count()) {
            throw new IllegalArgumentException("a step of " + workers + " workers x " + batchPerWorker
                    + " images does not fit a data set of " + catalog.count() + " images");
        }
        this.workers = workers;
        this.steps = catalog.count() / perStep;
        long n = catalog.count();
        long seed = RunSeeds.epochOrder(runSeed, epoch);
        long usable = steps * perStep;
        this.plan = catalog.images()
                .mapPartitionsToPair(refs -> {
                    SeededPermutation order = new SeededPermutation(n, seed);
                    List<Tuple2<Long, Tuple2<Long, ImageRef>>> out = new ArrayList<>();
                    refs.forEachRemaining(ref -> {
                        long position = order.inverse(ref.id());
                        if (position < usable) {
                            long worker = (position % perStep) / batchPerWorker;
                            out.add(new Tuple2<>(position / perStep * workers + worker, new Tuple2<>(position, ref)));
                        }
                    });
                    return out.iterator();
                })
                .partitionBy(new SlotPartitioner(steps * workers))
                .persist(StorageLevel.MEMORY_AND_DISK());
    }

    public long steps() {
        return steps;
    }

    /** Step {@code step}'s images: one partition per worker, each in its epoch order. */
    public JavaRDD<ImageRef> step(long step) {
        if (step < 0 || step >= steps) {
            throw new IllegalArgumentException("step " + step + " is outside this epoch's [0, " + steps + ")");
        }
        var pruned = PartitionPruningRDD.create(plan.rdd(), new PartitionRange(step * workers, (step + 1) * workers));
        JavaPairRDD<Long, Tuple2<Long, ImageRef>> slots = JavaPairRDD.fromRDD(pruned,
                ClassTag$.MODULE$.apply(Long.class), ClassTag$.MODULE$.apply(Tuple2.class));
        return slots.mapPartitions(records -> {
            List<Tuple2<Long, ImageRef>> images = new ArrayList<>();
            records.forEachRemaining(r -> images.add(r._2()));
            images.sort(Comparator.comparingLong(Tuple2::_1));
            return images.stream().map(Tuple2::_2).iterator();
        }, true);
    }

    public void release() {
        plan.unpersist();
    }

    /** Key {@code step * workers + worker} is partition number {@code step * workers + worker}. */
    private static final class SlotPartitioner extends Partitioner {
        private final long slots;

        SlotPartitioner(long slots) {
            if (slots > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(slots + " (step, worker) slots per epoch is more than Spark can partition");
            }
            this.slots = slots;
        }

        @Override
        public int numPartitions() {
            return (int) slots;
        }

        @Override
        public int getPartition(Object key) {
            return (int) (long) (Long) key;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof SlotPartitioner p && p.slots == slots;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(slots);
        }
    }

    /** Keeps partitions {@code [from, to)}. */
    private static final class PartitionRange extends AbstractFunction1<Object, Object> implements Serializable {
        private final long from;
        private final long to;

        PartitionRange(long from, long to) {
            this.from = from;
            this.to = to;
        }

        @Override
        public Object apply(Object index) {
            int i = (Integer) index;
            return i >= from && i < to;
        }
    }
}
