package io.dinospark.finetune;

import io.dinospark.augment.FineTuneView;
import io.dinospark.config.DinoConfig;
import io.dinospark.data.CropBatch;
import io.dinospark.data.CropRowsReader;
import io.dinospark.data.ImageRef;
import io.dinospark.engine.Minibatch;
import io.dinospark.eval.LabelIndex;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.util.SerializableConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One worker's fine-tuning step on its executor: its images read as DINO's are ({@link CropRowsReader}: decoded
 * once, seeded by run, epoch and image, an unreadable one logged and left out), each as a {@link FineTuneView},
 * with its label's smoothed distribution, {@code 1 - smoothing} on the class and {@code smoothing / classes} added
 * to every class, in minibatches of {@code train.batch_size_per_worker}.
 */
final class LabelledMinibatches implements FlatMapFunction<Iterator<ImageRef>, Minibatch> {

    private final CropRowsReader reader;
    private final LabelIndex labels;
    private final double smoothing;
    private final int epoch;
    private final int batch;
    private final SerializableConfiguration hadoop;

    LabelledMinibatches(DinoConfig config, LabelIndex labels, double smoothing, int epoch,
            SerializableConfiguration hadoop) {
        this.reader = new CropRowsReader(() -> new FineTuneView(config.crops(), config.augment()),
                config.train().seed());
        this.labels = labels;
        this.smoothing = smoothing;
        this.epoch = epoch;
        this.batch = config.train().batchSizePerWorker();
        this.hadoop = hadoop;
    }

    @Override
    public Iterator<Minibatch> call(Iterator<ImageRef> images) {
        List<ImageRef> refs = new ArrayList<>();
        images.forEachRemaining(refs::add);
        CropBatch views = reader.read(refs, epoch, hadoop.value());
        return Minibatch.split(views.rows(), targets(views.images()), batch).iterator();
    }

    /** Each image's smoothed label distribution, {@code [images, classes]}. */
    INDArray targets(List<ImageRef> images) {
        int classes = labels.size();
        float[] targets = new float[images.size() * classes];
        for (int i = 0; i < images.size(); i++) {
            for (int c = 0; c < classes; c++) {
                targets[i * classes + c] = (float) (smoothing / classes);
            }
            targets[i * classes + labels.of(images.get(i).label())] += (float) (1 - smoothing);
        }
        return Nd4j.create(targets, new long[] {images.size(), classes}, DataType.FLOAT);
    }
}
