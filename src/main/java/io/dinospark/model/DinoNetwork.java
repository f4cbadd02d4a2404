package io.dinospark.model;

import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.FixedSchedule;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

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
        CropLayout crops = new CropLayout(c.globalSize(), c.localSize());
        MultiCropBackbone backbone = backbone(config);
        return optimized(config)
                .list()
                .layer(backbone)
                .layer(new DinoHead(backbone.featureDim(), m.headHiddenDim(), m.headBottleneckDim(), m.useBnInHead()))
                .layer(new WeightNormLinear(m.headBottleneckDim(), m.outDim(), m.normLastLayer()))
                .layer(new LossLayer.Builder(new DinoLoss(config.dino().studentTemp())).activation(Activation.IDENTITY).build())
                .setInputType(InputType.feedForward(crops.rowWidth(c.localNumber())))
                .build();
    }

    /**
     * A fine-tuned classifier: layer 0 the backbone (read on one global-size view per row), 1 its {@link
     * LinearClassifier} to {@code classes} scores, 2 the softmax cross-entropy against each row's target
     * distribution; the same optimizer as the DINO network's.
     */
    public static MultiLayerConfiguration classifierConfiguration(DinoConfig config, int classes) {
        MultiCropBackbone backbone = backbone(config);
        LinearClassifier classifier = new LinearClassifier(backbone.featureDim(), classes);
        // Each layer has an AdamW configuration of its own (not the network's one, shared), so that the backbone's
        // rate can be set apart from the classifier's. DL4J keeps one block of AdamW state per run of parameters
        // whose updater configurations are equal, and the state's layout follows the blocks: the classifier's rate
        // is given as a schedule, the backbone's as a value, so the two never compare equal and the layout stays
        // [backbone's moments | classifier's moments] whatever the rates (on the driver and on every worker).
        backbone.setUpdater(new Adam(config.optim().lr()));
        classifier.setUpdater(new Adam(new FixedSchedule(config.optim().lr())));
        return optimized(config)
                .list()
                .layer(backbone)
                .layer(classifier)
                .layer(new LossLayer.Builder(new LossMCXENT()).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(new CropLayout(config.crops().globalSize(),
                        config.crops().localSize()).globalLength()))
                .build();
    }

    /**
     * The networks' optimizer: AdamW, i.e. Adam plus decoupled weight decay (multiplied by the learning rate) on
     * weights only, so biases and 1-D parameters get none (both rates set per step by the engine's
     * OptimizerSettings), and each parameter tensor's gradient clipped to its own L2 norm (DL4J's "per parameter
     * type" clipping).
     */
    private static NeuralNetConfiguration.Builder optimized(DinoConfig config) {
        OptimConfig o = config.optim();
        return new NeuralNetConfiguration.Builder()
                .seed(config.train().seed())
                .dataType(DataType.FLOAT)
                .updater(new Adam(o.lr()))
                .weightDecay(o.weightDecay(), true)
                .gradientNormalization(o.clipGrad() > 0 ? GradientNormalization.ClipL2PerParamType : GradientNormalization.None)
                .gradientNormalizationThreshold(o.clipGrad() > 0 ? o.clipGrad() : 1.0);
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

    /**
     * A new classifier's flat parameters ({@link ParameterLayout#classifier}): a random-init backbone, then the
     * {@link LinearClassifier}'s initial weights and biases.
     */
    public static INDArray initialClassifier(DinoConfig config, int classes) {
        MultiLayerNetwork net = new MultiLayerNetwork(classifierConfiguration(config, classes));
        net.init();
        return net.params().dup();
    }

    /** A new, initialised network (student, or teacher before its parameters are set). */
    public static MultiLayerNetwork create(DinoConfig config) {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(config));
        net.init();
        return net;
    }
}
