package io.dinospark.teacher;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The teacher network of an executor JVM: built once from the network's JSON configuration, its parameters
 * replaced only when the broadcast version changes. Tasks of one executor share it, one at a time.
 */
public final class ExecutorTeacher {

    private static MultiLayerNetwork network;
    private static String configuration;
    private static long version = Long.MIN_VALUE;

    private ExecutorTeacher() {
    }

    /** The teacher's raw output (logits) on rows of two global crops, {@code [B, 2K]}. */
    public static synchronized INDArray logits(String configurationJson, TeacherState state, INDArray globalCrops) {
        if (network == null || !configurationJson.equals(configuration)) {
            network = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(configurationJson));
            network.init(state.params(), true); // a copy: no random init to overwrite, the broadcast stays intact
            configuration = configurationJson;
            version = state.version();
        } else if (state.version() != version) {
            network.setParams(state.params());
            version = state.version();
        }
        return network.output(globalCrops, false);
    }
}
