package io.dinospark.eval;

import org.nd4j.linalg.api.ndarray.INDArray;

import io.dinospark.engine.Engine;
import io.dinospark.engine.FeatureNetwork;

/**
 * The feature network of an executor JVM: built by the run's engine once per broadcast {@link FeatureModel} (the
 * broadcast value is one object per JVM). Tasks of one executor share it, one at a time.
 */
final class ExecutorFeatures {

    private static FeatureNetwork network;
    private static FeatureModel loaded;

    private ExecutorFeatures() {
    }

    /** Features of evaluation views {@code [B, 3 * size * size]}: {@code [B, featureDim]}. */
    static synchronized INDArray features(FeatureModel model, INDArray views) {
        if (model.isRawPixels()) {
            return views;
        }
        if (loaded != model) {
            if (network != null) {
                network.close(); // the previous model's memory goes before the next is built
            }
            network = Engine.of(model.config()).features(model.config(), model.params(), model.blocks());
            loaded = model;
        }
        return network.features(views);
    }
}
