package io.dinospark.engine.torch;


import org.nd4j.linalg.api.ndarray.INDArray;

import io.dinospark.config.DinoConfig;
import io.dinospark.engine.FeatureKind;
import io.dinospark.engine.FeatureNetwork;

/** A run's backbone on libtorch in inference mode, on the device of the task (or JVM) that builds it. */
final class TorchFeatures implements FeatureNetwork {

    private final TorchDinoNetwork network;
    private final int blocks;

    TorchFeatures(DinoConfig config, INDArray backboneParams, int blocks) {
        this.network = TorchDinoNetwork.backbone(config, backboneParams, TorchDevice.current());
        this.blocks = blocks;
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
