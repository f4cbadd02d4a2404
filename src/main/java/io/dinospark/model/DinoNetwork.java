package io.dinospark.model;

import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;

import io.dinospark.config.CropConfig;
import io.dinospark.config.DinoConfig;
import io.dinospark.config.ModelConfig;
import io.dinospark.config.OptimConfig;
import io.dinospark.loss.DinoLoss;

/**
 * The student/teacher network as one DL4J {@code MultiLayerNetwork}: layer 0 the multi-crop backbone (its output
 * is the per-crop features used for evaluation), 1 the head's MLP, 2 the weight-normalised last layer, 3 the DINO
 * loss. The teacher uses the same configuration: it runs in inference mode (no stochastic depth) on rows of two
 * global crops.
 */
public final class DinoNetwork {

    public static final int BACKBONE = 0;
    public static final int LAST_LAYER = 2;

    private DinoNetwork() {
    }

    public static MultiLayerConfiguration configuration(DinoConfig config) {
        ModelConfig m = config.model();
        CropConfig c = config.crops();
        OptimConfig o = config.optim();
        CropLayout crops = new CropLayout(c.globalSize(), c.localSize());
        MultiCropBackbone backbone = backbone(config);
        return new NeuralNetConfiguration.Builder()
                .seed(config.train().seed())
                .dataType(DataType.FLOAT)
                // AdamW: Adam plus decoupled weight decay (multiplied by the learning rate) on weights only, so
                // biases and 1-D parameters get none. Both rates are set per step by OptimizerSettings.
                .updater(new Adam(o.lr()))
                .weightDecay(o.weightDecay(), true)
                // DL4J's "per parameter type" clipping clips each parameter tensor of a layer by its own L2 norm.
                .gradientNormalization(o.clipGrad() > 0 ? GradientNormalization.ClipL2PerParamType : GradientNormalization.None)
                .gradientNormalizationThreshold(o.clipGrad() > 0 ? o.clipGrad() : 1.0)
                .list()
                .layer(backbone)
                .layer(new DinoHead(backbone.featureDim(), m.headHiddenDim(), m.headBottleneckDim(), m.useBnInHead()))
                .layer(new WeightNormLinear(m.headBottleneckDim(), m.outDim(), m.normLastLayer()))
                .layer(new LossLayer.Builder(new DinoLoss(config.dino().studentTemp())).activation(Activation.IDENTITY).build())
                .setInputType(InputType.feedForward(crops.rowWidth(c.localNumber())))
                .build();
    }

    /** Layer 0's configuration: the backbone of {@code config}'s model, for its crop sizes. */
    public static MultiCropBackbone backbone(DinoConfig config) {
        ModelConfig m = config.model();
        CropLayout crops = new CropLayout(config.crops().globalSize(), config.crops().localSize());
        return m.arch().isVit()
                ? new MultiCropViT(crops, m.patchSize(), m.embedDim(), m.depth(), m.numHeads(),
                        (int) Math.round(m.embedDim() * m.mlpRatio()), m.qkvBias(), m.dropPathRate())
                : new MultiCropConvNet(crops, m.convChannels());
    }

    /** A new, initialised network (student, or teacher before its parameters are set). */
    public static MultiLayerNetwork create(DinoConfig config) {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(config));
        net.init();
        return net;
    }
}
