package io.dinospark.engine.torch;


import org.bytedeco.pytorch.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.dinospark.config.DinoConfig;
import io.dinospark.config.ModelConfig;
import io.dinospark.engine.Attention;

/** The last block's CLS attention of a ViT on libtorch, on the device of the task (or JVM) that builds it. */
final class TorchAttention implements Attention {

    private final ModelConfig model;
    private final int imageSize;
    private final TorchDinoNetwork network;

    TorchAttention(DinoConfig config, INDArray params) {
        if (!config.model().arch().isVit()) {
            throw new IllegalArgumentException("attention maps need a ViT backbone (model.arch = vit, vit_tiny, "
                    + "vit_small or vit_base); this run's is " + config.model().arch().configName());
        }
        this.model = config.model();
        this.imageSize = config.crops().globalSize();
        this.network = TorchDinoNetwork.backbone(config, params, TorchDevice.current());
    }

    @Override
    public int imageSize() {
        return imageSize;
    }

    @Override
    public int patchSize() {
        return model.patchSize();
    }

    @Override
    public int grid() {
        return imageSize / model.patchSize();
    }

    @Override
    public int heads() {
        return model.numHeads();
    }

    @Override
    public INDArray patchAttention(INDArray images) {
        return TorchArrays.inferRows(images, network.device(), pixels -> {
            Tensor all = network.lastBlockClsAttention(pixels);
            return all.narrow(2, 1, all.size(2) - 1); // the CLS key's share left out
        }).reshape(images.size(0), heads(), grid(), grid());
    }
}
