package io.dinospark.engine.dl4j;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.dinospark.config.DinoConfig;
import io.dinospark.engine.FeatureKind;
import io.dinospark.engine.FeatureNetwork;
import io.dinospark.model.CropLayout;
import io.dinospark.model.DinoNetwork;
import io.dinospark.model.MultiCropBackbone;

/** A DINO network's backbone as a one-layer network taking rows of one global-size view, in inference mode. */
final class Dl4jFeatures implements FeatureNetwork {

    private final MultiLayerNetwork network;

    Dl4jFeatures(DinoConfig config, INDArray backboneParams, int blocks) {
        this.network = new MultiLayerNetwork(configuration(config, blocks));
        network.init(backboneParams, true); // a copy: no random init to overwrite
    }

    /** The backbone alone, reading its last {@code blocks} blocks (see {@link MultiCropBackbone#forEvaluation}). */
    private static MultiLayerConfiguration configuration(DinoConfig config, int blocks) {
        MultiCropBackbone backbone = DinoNetwork.backbone(config).forEvaluation(blocks);
        long viewWidth = new CropLayout(config.crops().globalSize(), config.crops().localSize()).globalLength();
        return new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .list()
                .layer(backbone)
                .setInputType(InputType.feedForward(viewWidth))
                .build();
    }

    /**
     * Refuses any feature but CLS (the one definition of the refusal, for {@link Dl4jEngine#requireFeature} and
     * {@link #features}), naming the option that asked for it and the engine that computes it.
     */
    static void require(FeatureKind kind) {
        if (!kind.equals(FeatureKind.CLS)) {
            throw new UnsupportedOperationException("the DL4J engine computes the CLS feature only; "
                    + (kind.multiscale() ? "--multiscale" : "--descriptor " + kind.descriptor().userName())
                    + " needs the torch engine (train.engine = torch, the default; retrieve --engine torch evaluates"
                    + " a DL4J run's parameters there)");
        }
    }

    @Override
    public synchronized INDArray features(INDArray views, FeatureKind kind) {
        require(kind);
        return network.output(views, false);
    }

    @Override
    public void close() {
        // ND4J's arrays are freed by the garbage collector
    }
}
