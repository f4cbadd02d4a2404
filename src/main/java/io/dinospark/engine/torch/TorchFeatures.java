package io.dinospark.engine.torch;

import java.util.Arrays;

import org.nd4j.linalg.api.ndarray.INDArray;

import io.dinospark.config.DinoConfig;
import io.dinospark.engine.FeatureKind;
import io.dinospark.engine.FeatureNetwork;

/**
 * A run's backbone on libtorch in inference mode, on the device of the task (or JVM) that builds it. The network
 * holds the whole DINO network's parameters; only the backbone's are set (the head's stay zero: features never reach
 * it).
 */
final class TorchFeatures implements FeatureNetwork {

    private final TorchDinoNetwork network;
    private final int blocks;

    TorchFeatures(DinoConfig config, INDArray backboneParams, int blocks) {
        this.network = new TorchDinoNetwork(config, TorchDevice.current());
        this.blocks = blocks;
        float[] backbone = TorchArrays.floats(backboneParams);
        network.load(Arrays.copyOf(backbone, Math.toIntExact(network.layout().size())));
    }

    @Override
    public synchronized INDArray features(INDArray views, FeatureKind kind) {
        return TorchArrays.inferRows(views, network.device(), pixels -> network.features(pixels, blocks, kind));
    }

    @Override
    public void close() {
        network.close();
    }
}
