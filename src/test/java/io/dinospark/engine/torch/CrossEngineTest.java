package io.dinospark.engine.torch;

import static io.dinospark.engine.torch.Tensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import io.dinospark.TestConfigs;
import io.dinospark.config.DinoConfig;
import io.dinospark.engine.FeatureNetwork;
import io.dinospark.engine.Engine;
import io.dinospark.engine.torch.Tensors.Floats;
import io.dinospark.eval.FeatureModel;
import io.dinospark.model.CropLayout;
import io.dinospark.model.DinoNetwork;
import io.dinospark.model.LastBlockAttention;
import io.dinospark.model.ParameterLayout;
import io.dinospark.teacher.Center;
import io.dinospark.teacher.TeacherTargets;

/**
 * The libtorch network against the DL4J one with the same flat parameters: backbone features, logits, loss and
 * gradients, evaluation features and attention. Parameters are perturbed off their initial values so that biases,
 * gains and the CLS/position embeddings are not trivially 0 or 1.
 */
class CrossEngineTest {

    private static final CropLayout CROPS = new CropLayout(16, 8);
    /**
     * Forward values (features, logits, attention): at most this fraction of the array's largest magnitude apart.
     * Observed: 3e-7 for the ViT, 2.2e-6 for the BatchNorm head's logits.
     */
    private static final double FORWARD_RTOL = 1e-5;
    /** Gradients, per parameter tensor, relative to that tensor's largest gradient. Observed: 7e-7 ViT, 5.2e-6 conv. */
    private static final double GRADIENT_RTOL = 2e-5;
    /** The loss, relative. */
    private static final double LOSS_RTOL = 1e-6;
    /**
     * A bias right before BatchNorm has gradient 0 (the normalisation removes any shift); both engines give float
     * noise there, observed up to 1e-5 of the network's largest gradient.
     */
    private static final double CANCELLED_GRADIENT_BOUND = 1e-4;

    private static DinoConfig config(String variant) {
        return switch (variant) {
            case "vit" -> TestConfigs.tinyVit(2, 0.0, true); // crops of 16 and 8 px: interpolated positions
            case "vit-free-gain" -> TestConfigs.tinyVit(1, 0.0, false);
            case "conv-bn-head" -> TestConfigs.tinyConv(2, true);
            default -> throw new IllegalArgumentException(variant);
        };
    }

    /** A DL4J network with every parameter moved off its initial value, seeded. */
    private static MultiLayerNetwork perturbed(DinoConfig config) {
        MultiLayerNetwork net = DinoNetwork.create(config);
        Nd4j.getRandom().setSeed(7);
        net.setParams(net.params().add(Nd4j.randn(DataType.FLOAT, net.params().shape()).muli(0.05)));
        return net;
    }

    @ParameterizedTest
    @ValueSource(strings = {"vit", "vit-free-gain", "conv-bn-head"})
    void backboneLogitsLossAndGradientsMatchDl4j(String variant) {
        DinoConfig config = config(variant);
        MultiLayerNetwork net = perturbed(config);
        Nd4j.getRandom().setSeed(11);
        INDArray rows = Nd4j.rand(DataType.FLOAT, 3, CROPS.rowWidth(config.crops().localNumber()));

        // DL4J first, as plain arrays: ND4J must not allocate inside the PointerScope below.
        List<INDArray> activations = net.feedForward(rows, false); // input, backbone, head MLP, last layer, loss
        Floats backbone = Floats.of(activations.get(1));
        Floats logits = Floats.of(activations.get(3));
        INDArray teacherRows = rows.get(NDArrayIndex.all(), NDArrayIndex.interval(0, CROPS.rowWidth(0))).dup();
        INDArray targets = TeacherTargets.probabilities(net.output(teacherRows), Center.zeros(20).value(), 0.04);
        net.setInput(rows);
        net.setLabels(targets);
        net.computeGradientAndScore();
        double score = net.score(); // the DINO loss alone: DL4J's weight decay adds no score term
        // DL4J's gradient here is the sum over the minibatch (its updater divides by the batch size, then clips);
        // libtorch's is the gradient of the mean loss.
        float[] dl4j = net.gradient().gradient().dup().divi(rows.size(0)).toFloatVector();
        float[] flat = net.params().toFloatVector();
        Floats torchRows = Floats.of(rows);
        Floats torchTargets = Floats.of(targets);

        try (TorchDinoNetwork torchNet = new TorchDinoNetwork(config, TorchDevice.CPU)) {
            torchNet.load(flat);
            assertArrayEquals(flat, torchNet.params());
            try (PointerScope scope = new PointerScope()) {
                Tensor input = torchRows.tensor();
                assertClose(variant + " backbone", backbone, torchNet.backbone(input, null), FORWARD_RTOL);
                Tensor torchLogits = torchNet.logits(input, null);
                assertClose(variant + " logits", logits, torchLogits, FORWARD_RTOL);
                Tensor loss = TorchDinoLoss.loss(torchLogits, torchTargets.tensor(), config.dino().studentTemp());
                assertEquals(score, loss.item_double(), LOSS_RTOL * score, variant + " loss");
                loss.backward();
            }
            float[] torchGrad = torchNet.gradients();
            double networkScale = maxAbs(dl4j);
            for (ParameterLayout.Entry e : torchNet.layout().entries()) {
                int from = Math.toIntExact(e.offset());
                int to = Math.toIntExact(e.offset() + e.length());
                float[] expected = Arrays.copyOfRange(dl4j, from, to);
                float[] actual = Arrays.copyOfRange(torchGrad, from, to);
                String what = variant + " gradient of " + e.key();
                if (config.model().useBnInHead() && e.layer() == 1 && (e.name().equals("fc1B") || e.name().equals("fc2B"))) {
                    assertTrue(maxAbs(expected) <= CANCELLED_GRADIENT_BOUND * networkScale, what + " (DL4J) " + maxAbs(expected));
                    assertTrue(maxAbs(actual) <= CANCELLED_GRADIENT_BOUND * networkScale, what + " (libtorch) " + maxAbs(actual));
                } else {
                    assertClose(what, expected, actual, GRADIENT_RTOL);
                }
            }
        }
    }

    private static double maxAbs(float[] values) {
        double max = 0;
        for (float v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    @ParameterizedTest
    @ValueSource(strings = {"vit:1", "vit:2", "conv:1"})
    void evaluationFeaturesMatchDl4jFeatureNetwork(String variantAndBlocks) {
        String[] parts = variantAndBlocks.split(":");
        int blocks = Integer.parseInt(parts[1]);
        DinoConfig config = parts[0].equals("vit") ? TestConfigs.tinyVit(2, 0.1, true) : TestConfigs.tinyConv(2);
        MultiLayerNetwork net = perturbed(config);
        FeatureModel model = FeatureModel.backbone(FeatureModel.TEACHER, config, net.params(), blocks);
        Nd4j.getRandom().setSeed(13);
        INDArray views = Nd4j.rand(DataType.FLOAT, 4, CROPS.globalLength());
        Floats expected;
        try (FeatureNetwork dl4jFeatures = Engine.named("dl4j").features(config, model.params(), blocks)) {
            expected = Floats.of(dl4jFeatures.features(views));
        }
        float[] flat = net.params().toFloatVector();
        Floats input = Floats.of(views);
        try (TorchDinoNetwork torchNet = new TorchDinoNetwork(config, TorchDevice.CPU); PointerScope scope = new PointerScope()) {
            torchNet.load(flat);
            assertClose(variantAndBlocks + " features", expected, torchNet.features(input.tensor(), blocks), FORWARD_RTOL);
        }
    }

    @Test
    void lastBlockClsAttentionMatchesDl4j() {
        DinoConfig config = TestConfigs.tinyVit(2, 0.1, true);
        MultiLayerNetwork net = perturbed(config);
        Nd4j.getRandom().setSeed(17);
        INDArray images = Nd4j.rand(DataType.FLOAT, 2, 3, 16, 16);
        Floats expected = Floats.of(LastBlockAttention.of(net).clsAttention(images));
        float[] flat = net.params().toFloatVector();
        Floats input = Floats.of(images);
        try (TorchDinoNetwork torchNet = new TorchDinoNetwork(config, TorchDevice.CPU); PointerScope scope = new PointerScope()) {
            torchNet.load(flat);
            assertClose("CLS attention", expected, torchNet.lastBlockClsAttention(input.tensor()), FORWARD_RTOL);
        }
    }
}
