package io.dinospark.finetune;

import io.dinospark.augment.FineTuneView;
import io.dinospark.config.DinoConfig;
import io.dinospark.data.ImageDecoder;
import io.dinospark.data.ImageRef;
import io.dinospark.data.RunSeeds;
import io.dinospark.data.UndecodableImageException;
import io.dinospark.engine.Minibatch;
import io.dinospark.eval.LabelIndex;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.util.SerializableConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One worker's fine-tuning step on its executor: its images as {@link FineTuneView}s (crops from the seed of run,
 * epoch and image, as DINO's) with their labels' smoothed distributions, {@code 1 - smoothing} on the class and
 * {@code smoothing / classes} added to every class, in minibatches of {@code train.batch_size_per_worker}. An
 * image that cannot be read or decoded is logged with its path and left out.
 */
final class LabelledMinibatches implements FlatMapFunction<Iterator<ImageRef>, Minibatch> {

    private static final Logger LOG = LoggerFactory.getLogger(LabelledMinibatches.class);

    private final DinoConfig config;
    private final LabelIndex labels;
    private final double smoothing;
    private final int epoch;
    private final SerializableConfiguration hadoop;

    LabelledMinibatches(DinoConfig config, LabelIndex labels, double smoothing, int epoch,
            SerializableConfiguration hadoop) {
        this.config = config;
        this.labels = labels;
        this.smoothing = smoothing;
        this.epoch = epoch;
        this.hadoop = hadoop;
    }

    @Override
    public Iterator<Minibatch> call(Iterator<ImageRef> images) {
        FineTuneView view = new FineTuneView(config.crops(), config.augment());
        int width = view.rowWidth();
        int classes = labels.size();
        int batch = config.train().batchSizePerWorker();
        List<Minibatch> out = new ArrayList<>();
        float[] rows = new float[batch * width];
        float[] targets = new float[batch * classes];
        int used = 0;
        while (images.hasNext()) {
            ImageRef image = images.next();
            try {
                SplittableRandom rng = new SplittableRandom(RunSeeds.imageCrops(config.train().seed(), epoch, image.id()));
                view.apply(ImageDecoder.decode(image.encoded(hadoop.value()), image.path()), rng, rows, used * width);
            } catch (UndecodableImageException | IOException e) {
                LOG.warn("fine-tuning skips image {}: {}", image.path(), e.getMessage());
                continue;
            }
            for (int c = 0; c < classes; c++) {
                targets[used * classes + c] = (float) (smoothing / classes);
            }
            targets[used * classes + labels.of(image.label())] += (float) (1 - smoothing);
            used++;
            if (used == batch) {
                out.add(minibatch(rows, targets, used, width, classes));
                used = 0;
            }
        }
        if (used > 0) {
            out.add(minibatch(rows, targets, used, width, classes));
        }
        return out.iterator();
    }

    private static Minibatch minibatch(float[] rows, float[] targets, int size, int width, int classes) {
        return new Minibatch(Nd4j.create(Arrays.copyOf(rows, size * width), new long[] {size, width}, DataType.FLOAT),
                Nd4j.create(Arrays.copyOf(targets, size * classes), new long[] {size, classes}, DataType.FLOAT));
    }
}
