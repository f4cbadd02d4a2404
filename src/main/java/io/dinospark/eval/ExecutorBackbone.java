package io.dinospark.eval;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The feature network of an executor JVM: built once per broadcast {@link FeatureModel} (the broadcast value is
 * one object per JVM), its parameters swapped when only they change. Tasks of one executor share it, one at a time.
 */
final class ExecutorBackbone {

    private static MultiLayerNetwork network;
    private static String configuration;
    private static FeatureModel loaded;

    private ExecutorBackbone() {
    }

    /** Features of evaluation views {@code [B, 3 * size * size]}: {@code [B, featureDim]}. */
    static synchronized INDArray features(FeatureModel model, INDArray views) {
        if (model.isRawPixels()) {
            return views;
        }
        if (network == null || !model.backboneJson().equals(configuration)) {
            network = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(model.backboneJson()));
            network.init(model.params(), true); // a copy: no random init to overwrite, the broadcast stays intact
            configuration = model.backboneJson();
            loaded = model;
        } else if (loaded != model) {
            network.setParams(model.params());
            loaded = model;
        }
        return network.output(views, false);
    }
}
