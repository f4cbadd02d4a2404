package io.dinospark.engine.torch;

import org.nd4j.linalg.api.ndarray.INDArray;

import io.dinospark.config.DinoConfig;
import io.dinospark.teacher.TeacherState;

/** A resident teacher network: its parameters are replaced only when the broadcast teacher's version changes. */
final class TorchTeacher implements TorchExecutor.Resident<DinoConfig> {

    private final DinoConfig config;
    private final TorchDinoNetwork network;
    private long version = Long.MIN_VALUE;

    TorchTeacher(DinoConfig config, TorchDevice device) {
        this.config = config;
        this.network = new TorchDinoNetwork(config, device);
    }

    @Override
    public DinoConfig key() {
        return config;
    }

    @Override
    public TorchDevice device() {
        return network.device();
    }

    /** The teacher's raw logits on rows of two global crops, {@code [B, 2K]}, in inference mode. */
    INDArray logits(TeacherState state, INDArray globalCrops) {
        if (state.version() != version) {
            network.load(TorchArrays.floats(state.params()));
            version = state.version();
        }
        return TorchArrays.inferRows(globalCrops, network.device(), crops -> network.logits(crops, null));
    }

    @Override
    public void close() {
        network.close();
    }
}
