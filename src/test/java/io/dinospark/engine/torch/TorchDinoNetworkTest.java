package io.dinospark.engine.torch;

import static io.dinospark.engine.torch.Tensors.assertClose;
import static io.dinospark.engine.torch.Tensors.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AbstractTensor;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import io.dinospark.TestConfigs;
import io.dinospark.config.DinoConfig;
import io.dinospark.model.CropLayout;
import io.dinospark.model.DinoNetwork;
import io.dinospark.model.ParameterLayout;

/** The libtorch network on its own: parameter I/O, stochastic depth, one-view rows and argument checks. */
class TorchDinoNetworkTest {

    private static final CropLayout CROPS = new CropLayout(16, 8);
    /** tinyVit: depth 2, width 24; local crops 2, so 4 views. */
    private static final int DEPTH = 2;
    private static final int WIDTH = 24;
    private static final int VIEWS = 4;

    /**
     * The network's initial parameters moved off their initial values, so that gains and biases matter. ND4J: call
     * outside any {@code PointerScope}.
     */
    private static float[] perturbedParams(DinoConfig config) {
        float[] flat = DinoNetwork.create(config).params().toFloatVector();
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < flat.length; i++) {
            flat[i] += (float) (0.05 * random.nextGaussian());
        }
        return flat;
    }

    private static Tensor rows(int batch, long width, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[Math.toIntExact(batch * width)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextDouble();
        }
        return AbstractTensor.create(v, batch, width);
    }

    @Test
    void loadsAndReturnsParametersInLayoutOrder() {
        DinoConfig config = TestConfigs.tinyVit(2, 0.0, true);
        float[] flat = perturbedParams(config);
        try (TorchDinoNetwork net = new TorchDinoNetwork(config, TorchDevice.CPU); PointerScope scope = new PointerScope()) {
            ParameterLayout layout = net.layout();
            assertEquals(ParameterLayout.of(config).size(), layout.size());
            assertArrayEquals(new float[Math.toIntExact(layout.size())], net.params(), "allocated as zeros");
            net.load(flat);
            assertArrayEquals(flat, net.params());
            assertEquals(layout.entries().size(), net.parameters().size());
            for (int i = 0; i < layout.entries().size(); i++) {
                Tensor p = net.parameters().get(i);
                assertArrayEquals(layout.entries().get(i).shape(), p.shape(), layout.entries().get(i).key());
                assertTrue(p.requires_grad());
            }
            assertArrayEquals(new float[flat.length], net.gradients(), "no gradient before a backward pass");

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.load(new float[3]));
            assertTrue(e.getMessage().contains("3") && e.getMessage().contains(String.valueOf(layout.size())), e.getMessage());
        }
    }

    @Test
    void keepFactorsOfOneChangeNothing() {
        DinoConfig config = TestConfigs.tinyVit(2, 0.3, true);
        float[] flat = perturbedParams(config);
        try (TorchDinoNetwork net = new TorchDinoNetwork(config, TorchDevice.CPU); PointerScope scope = new PointerScope()) {
            net.load(flat);
            Tensor rows = rows(3, CROPS.rowWidth(2), 1);
            float[] ones = new float[3 * VIEWS * DEPTH * 2];
            Arrays.fill(ones, 1f);
            assertArrayEquals(values(net.logits(rows, null)), values(net.logits(rows, AbstractTensor.create(ones, 3, ones.length / 3))));
        }
    }

    /**
     * With both branches of every block dropped, a crop's feature is its CLS token plus the CLS position, through
     * the final LayerNorm only (computed here in plain Java); the other crops are untouched.
     */
    @Test
    void droppingEveryBranchOfACropLeavesOnlyItsEmbedding() {
        DinoConfig config = TestConfigs.tinyVit(2, 0.3, true);
        float[] flat = perturbedParams(config);
        try (TorchDinoNetwork net = new TorchDinoNetwork(config, TorchDevice.CPU); PointerScope scope = new PointerScope()) {
            net.load(flat);
            Tensor rows = rows(3, CROPS.rowWidth(2), 2);
            int[][] dropped = {{0, 0}, {1, 2}}; // (row, view): a global crop and a local one
            float[] keep = new float[3 * VIEWS * DEPTH * 2];
            Arrays.fill(keep, 1f);
            for (int[] crop : dropped) {
                Arrays.fill(keep, (crop[0] * VIEWS + crop[1]) * DEPTH * 2, (crop[0] * VIEWS + crop[1] + 1) * DEPTH * 2, 0f);
            }
            float[] reference = values(net.backbone(rows, null));
            float[] actual = values(net.backbone(rows, AbstractTensor.create(keep, 3, keep.length / 3)));

            float[] embeddingOnly = clsThroughFinalNorm(net.layout(), flat);
            float[] expected = reference.clone();
            for (int[] crop : dropped) {
                System.arraycopy(embeddingOnly, 0, expected, (crop[0] * VIEWS + crop[1]) * WIDTH, WIDTH);
            }
            assertClose("features with dropped crops", expected, actual, 1e-6);
            assertTrue(Math.abs(reference[0] - embeddingOnly[0]) > 1e-3, "the check would pass without dropping");
        }
    }

    /** {@code LayerNorm(cls + pos[0])} with the final norm's gain and bias, eps 1e-6. */
    private static float[] clsThroughFinalNorm(ParameterLayout layout, float[] flat) {
        double[] x = new double[WIDTH];
        for (int d = 0; d < WIDTH; d++) {
            x[d] = flat[(int) layout.entry(0, "cls").offset() + d] + flat[(int) layout.entry(0, "pos").offset() + d];
        }
        double mean = Arrays.stream(x).average().orElseThrow();
        double variance = Arrays.stream(x).map(v -> (v - mean) * (v - mean)).average().orElseThrow();
        float[] y = new float[WIDTH];
        for (int d = 0; d < WIDTH; d++) {
            double gain = flat[(int) layout.entry(0, "normg").offset() + d];
            double bias = flat[(int) layout.entry(0, "normb").offset() + d];
            y[d] = (float) ((x[d] - mean) / Math.sqrt(variance + 1e-6) * gain + bias);
        }
        return y;
    }

    @Test
    void keepFactorsFollowTheLinearDropRule() {
        DinoConfig config = TestConfigs.tinyVit(2, 0.3, true);
        int rows = 2000;
        float[] keep = TorchDinoNetwork.keepFactors(config, rows, VIEWS, new SplittableRandom(5));
        assertEquals(rows * VIEWS * DEPTH * 2, keep.length);
        // Depth 2: block 0 drops nothing, block 1 drops with p = drop_path_rate = 0.3 and scales kept ones by 1/0.7.
        int zeros = 0;
        double sum = 0;
        for (int at = 0; at < keep.length; at++) {
            int block = (at / 2) % DEPTH;
            if (block == 0) {
                assertEquals(1f, keep[at]);
            } else {
                assertTrue(keep[at] == 0f || keep[at] == (float) (1 / 0.7), "factor " + keep[at]);
                zeros += keep[at] == 0f ? 1 : 0;
                sum += keep[at];
            }
        }
        int draws = keep.length / 2;
        assertEquals(0.3, (double) zeros / draws, 0.02);
        assertEquals(1.0, sum / draws, 0.03); // unbiased: E[factor] = 1
        assertArrayEquals(keep, TorchDinoNetwork.keepFactors(config, rows, VIEWS, new SplittableRandom(5)));

        assertNull(TorchDinoNetwork.keepFactors(TestConfigs.tinyVit(2, 0.0, true), rows, VIEWS, new SplittableRandom(5)));
        assertNull(TorchDinoNetwork.keepFactors(TestConfigs.tinyConv(2), rows, VIEWS, new SplittableRandom(5)));
    }

    @Test
    void refusesToBeBuiltInsideAPointerScope() {
        try (PointerScope scope = new PointerScope()) {
            assertThrows(IllegalStateException.class, () -> new TorchDinoNetwork(TestConfigs.tinyConv(2), TorchDevice.CPU));
        }
    }

    /** Evaluation rows hold one global-size view: one feature and one set of logits per row, as the first crop's. */
    @Test
    void aRowOfOneGlobalCropIsOneView() {
        DinoConfig config = TestConfigs.tinyVit(2, 0.0, true);
        float[] flat = perturbedParams(config);
        try (TorchDinoNetwork net = new TorchDinoNetwork(config, TorchDevice.CPU); PointerScope scope = new PointerScope()) {
            net.load(flat);
            Tensor teacherRows = rows(3, CROPS.rowWidth(0), 4);
            Tensor oneView = teacherRows.narrow(1, 0, CROPS.globalLength());
            Tensor logits = net.logits(oneView, null);
            assertArrayEquals(new long[] {3, 20}, logits.shape());
            assertClose("one-view logits", values(net.logits(teacherRows, null).narrow(1, 0, 20)), values(logits), 1e-6);
            assertClose("one-view features", values(net.backbone(oneView, null)), values(net.features(oneView, 1)), 1e-6);
        }
    }

    @Test
    void rejectsInputsTheNetworkDoesNotTake() {
        DinoConfig vitConfig = TestConfigs.tinyVit(2, 0.3, true);
        DinoConfig convConfig = TestConfigs.tinyConv(2);
        try (TorchDinoNetwork vit = new TorchDinoNetwork(vitConfig, TorchDevice.CPU); TorchDinoNetwork conv = new TorchDinoNetwork(convConfig, TorchDevice.CPU);
                PointerScope scope = new PointerScope()) {
            Tensor rows = rows(2, CROPS.rowWidth(2), 6);
            Tensor views = rows.narrow(1, 0, CROPS.globalLength());
            Tensor badKeep = AbstractTensor.create(new float[2 * 3], 2, 3);
            assertThrows(IllegalArgumentException.class, () -> vit.logits(rows, badKeep));
            Tensor convKeep = AbstractTensor.create(new float[2 * VIEWS * 2], 2, VIEWS * 2);
            assertThrows(IllegalArgumentException.class, () -> conv.logits(rows, convKeep));
            assertThrows(IllegalArgumentException.class, () -> vit.logits(rows.narrow(1, 0, 100), null));

            assertThrows(IllegalArgumentException.class, () -> vit.features(views, DEPTH + 1));
            assertThrows(IllegalArgumentException.class, () -> vit.features(views, 0));
            assertThrows(IllegalArgumentException.class, () -> conv.features(views, 2));
            assertThrows(IllegalArgumentException.class, () -> vit.features(rows, 1));
            assertArrayEquals(new long[] {2, 2 * WIDTH}, vit.features(views, 2).shape());

            Tensor images = views.reshape(2, 3, 16, 16);
            assertArrayEquals(new long[] {2, 3, 1 + 16}, vit.lastBlockClsAttention(images).shape());
            assertThrows(IllegalArgumentException.class, () -> conv.lastBlockClsAttention(images));
            assertThrows(IllegalArgumentException.class, () -> vit.lastBlockClsAttention(views));
        }
    }
}
