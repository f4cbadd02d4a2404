package io.dinospark.engine.dl4j;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.dinospark.config.DinoConfig;
import io.dinospark.model.DinoNetwork;
import io.dinospark.teacher.TeacherState;

/**
 * The teacher network of an executor JVM: built once per configuration, its parameters replaced only when the
 * broadcast version changes. Tasks of one executor share it, one at a time.
 */
final class Dl4jTeacher {

    private static MultiLayerNetwork network;
    private static DinoConfig configuration;
    private static long version = Long.MIN_VALUE;

    private Dl4jTeacher() {
    }

    /** The teacher's raw output (logits) on rows of two global crops, {@code [B, 2K]}. */
    static synchronized INDArray logits(DinoConfig config, TeacherState state, INDArray globalCrops) {
        if (network == null || !config.equals(configuration)) {
            network = new MultiLayerNetwork(DinoNetwork.configuration(config));
            network.init(state.params(), true); // a copy: no random init to overwrite, the broadcast stays intact
            configuration = config;
            version = state.version();
        } else if (state.version() != version) {
            network.setParams(state.params());
            version = state.version();
        }
        return network.output(globalCrops, false);
    }
}
