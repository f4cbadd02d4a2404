package io.dinospark.eval;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dinospark.augment.EvaluationView;
import io.dinospark.config.AugmentConfig;
import io.dinospark.data.ImageDecoder;
import io.dinospark.data.ImageRef;
import io.dinospark.data.UndecodableImageException;

/**
 * The executor side of feature extraction: reads and decodes each image, makes its evaluation view and runs the
 * feature model on batches of {@code batchSize}, lazily, so a task holds one batch whatever its partition's size.
 * An image that cannot be read or decoded is logged with its path and left out.
 */
public final class FeatureExtractor implements FlatMapFunction<Iterator<ImageRef>, ImageFeature> {

    private static final Logger LOG = LoggerFactory.getLogger(FeatureExtractor.class);

    private final int size;
    private final AugmentConfig augment;
    private final int batchSize;
    private final Broadcast<FeatureModel> model;
    private final SerializableConfiguration hadoop;

    /**
     * @param size the evaluation view's side (the run's global crop size)
     * @param augment where the normalisation's mean and std come from
     */
    public FeatureExtractor(int size, AugmentConfig augment, int batchSize, Broadcast<FeatureModel> model,
            SerializableConfiguration hadoop) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("the feature batch size must be > 0, got " + batchSize);
        }
        this.size = size;
        this.augment = augment;
        this.batchSize = batchSize;
        this.model = model;
        this.hadoop = hadoop;
    }

    /** The features of {@code images} under {@code model}, computed on the executors (nothing is collected). */
    public static JavaRDD<ImageFeature> extract(JavaRDD<ImageRef> images, int size, AugmentConfig augment,
            int batchSize, Broadcast<FeatureModel> model) {
        SerializableConfiguration hadoop = new SerializableConfiguration(images.context().hadoopConfiguration());
        return images.mapPartitions(new FeatureExtractor(size, augment, batchSize, model, hadoop));
    }

    @Override
    public Iterator<ImageFeature> call(Iterator<ImageRef> images) {
        EvaluationView view = new EvaluationView(size, augment.mean(), augment.std());
        Configuration conf = hadoop.value();
        return new Iterator<>() {
            private Iterator<ImageFeature> batch = List.<ImageFeature>of().iterator();

            @Override
            public boolean hasNext() {
                while (!batch.hasNext() && images.hasNext()) {
                    batch = nextBatch(images, view, conf).iterator();
                }
                return batch.hasNext();
            }

            @Override
            public ImageFeature next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return batch.next();
            }
        };
    }

    private List<ImageFeature> nextBatch(Iterator<ImageRef> images, EvaluationView view, Configuration conf) {
        int width = view.rowWidth();
        float[] rows = new float[batchSize * width];
        List<ImageRef> used = new ArrayList<>(batchSize);
        while (used.size() < batchSize && images.hasNext()) {
            ImageRef image = images.next();
            try {
                view.apply(ImageDecoder.decode(image.encoded(conf), image.path()), rows, used.size() * width);
                used.add(image);
            } catch (UndecodableImageException | IOException e) {
                LOG.warn("feature extraction skips image {}: {}", image.path(), e.getMessage());
            }
        }
        if (used.isEmpty()) {
            return List.of();
        }
        INDArray views = Nd4j.create(rows, new long[] {batchSize, width}, DataType.FLOAT)
                .get(NDArrayIndex.interval(0, used.size()), NDArrayIndex.all());
        INDArray features = ExecutorFeatures.features(model.value(), views.dup());
        List<ImageFeature> out = new ArrayList<>(used.size());
        for (int i = 0; i < used.size(); i++) {
            ImageRef image = used.get(i);
            out.add(new ImageFeature(image.id(), image.path(), image.label(), features.getRow(i).toFloatVector()));
        }
        return out;
    }
}
