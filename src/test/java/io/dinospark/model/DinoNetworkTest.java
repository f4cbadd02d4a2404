package io.dinospark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.samediff.AbstractSameDiffLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;

import io.dinospark.TestConfigs;
import io.dinospark.config.Arch;
import io.dinospark.config.DinoConfig;
import io.dinospark.config.ModelConfig;
import io.dinospark.teacher.Center;
import io.dinospark.teacher.TeacherTargets;

class DinoNetworkTest {

    private static final CropLayout CROPS = new CropLayout(16, 8);

    private static INDArray teacherRows(INDArray studentRows) {
        return studentRows.get(NDArrayIndex.all(), NDArrayIndex.interval(0, CROPS.rowWidth(0))).dup();
    }

    @Test
    void oneConfigurationServesStudentRowsAndTeacherRows() {
        DinoConfig config = TestConfigs.tinyVit(2, 0.1, true);
        MultiLayerNetwork student = DinoNetwork.create(config);
        INDArray rows = Nd4j.rand(DataType.FLOAT, 3, CROPS.rowWidth(2));
        assertArrayEquals(new long[] {3, 4 * 20}, student.output(rows).shape());

        INDArray teacherOut = student.output(teacherRows(rows));
        assertArrayEquals(new long[] {3, 2 * 20}, teacherOut.shape());
        // The global crops' logits do not depend on the local crops sharing the row.
        assertTrue(teacherOut.equalsWithEps(student.output(rows).get(NDArrayIndex.all(), NDArrayIndex.interval(0, 40)), 1e-5));

        INDArray targets = TeacherTargets.probabilities(teacherOut, Center.zeros(20).value(), 0.04);
        student.fit(new DataSet(rows, targets));
        assertTrue(Double.isFinite(student.score()), "score " + student.score());
    }

    /** Whole-network gradients (attention, LayerNorm, GELU, interpolated positions, weight norm) against finite differences. */
    @ParameterizedTest
    @ValueSource(strings = {"vit", "vit-free-gain", "conv", "conv-bn-head"})
    void networkGradientsMatchFiniteDifferences(String variant) {
        DinoConfig config = switch (variant) {
            case "vit" -> TestConfigs.tinyVit(2, 0.0, true);
            case "vit-free-gain" -> TestConfigs.tinyVit(1, 0.0, false);
            case "conv" -> TestConfigs.tinyConv(2);
            default -> TestConfigs.tinyConv(2, true);
        };
        MultiLayerConfiguration conf = DinoNetwork.configuration(config);
        conf.setDataType(DataType.DOUBLE);
        for (var layer : conf.getConfs()) {
            if (layer.getLayer() instanceof AbstractSameDiffLayer sd) {
                sd.setUpdater(new NoOp());
                sd.setGradientNormalization(GradientNormalization.None);
                sd.setRegularization(List.of());
            } else if (layer.getLayer() instanceof BaseLayer loss) {
                loss.setIUpdater(new NoOp());
            }
        }
        DataType defaultType = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE); // GradientCheckUtil insists
        try {
            Nd4j.getRandom().setSeed(1);
            MultiLayerNetwork net = new MultiLayerNetwork(conf);
            net.init();
            int local = config.crops().localNumber();
            INDArray rows = Nd4j.rand(DataType.DOUBLE, 2, CROPS.rowWidth(local));
            INDArray logits = Nd4j.randn(DataType.DOUBLE, 2, 40);
            INDArray targets = TeacherTargets.probabilities(logits, Nd4j.zeros(DataType.DOUBLE, 1, 20), 0.5);
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(rows)
                    .labels(targets).epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8).subset(true).maxPerParam(6)
                    .print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(false));
            assertTrue(ok, "gradient check failed for " + variant);
        } finally {
            Nd4j.setDefaultDataTypes(defaultType, defaultType);
        }
    }

    /**
     * With BatchNorm the head normalises each hidden unit over every crop of the minibatch (rows x views) with the
     * batch's statistics, in training and inference alike; checked against the head written out in plain Java.
     */
    @Test
    void batchNormHeadNormalisesOverAllCropsOfTheMinibatch() {
        MultiLayerNetwork net = DinoNetwork.create(TestConfigs.tinyConv(2, true));
        var head = net.getLayer(1).paramTable();
        head.get("bn1G").assign(1.5);
        head.get("bn2B").assign(0.25);
        INDArray rows = Nd4j.rand(DataType.FLOAT, 3, CROPS.rowWidth(2));
        List<INDArray> activations = net.feedForward(rows, false);
        double[][] crops = activations.get(1).reshape(12, 16).toDoubleMatrix(); // 3 rows x 4 views of 16 features
        double[][] h = plainBatchNorm(plainLinear(crops, head.get("fc1W"), head.get("fc1B")), head.get("bn1G"), head.get("bn1B"));
        h = plainBatchNorm(plainLinear(plainGelu(h), head.get("fc2W"), head.get("fc2B")), head.get("bn2G"), head.get("bn2B"));
        h = plainLinear(plainGelu(h), head.get("fc3W"), head.get("fc3B"));
        INDArray expected = Nd4j.create(h).castTo(DataType.FLOAT);
        expected.diviColumnVector(expected.norm2(1).reshape(12, 1));
        INDArray actual = activations.get(2).reshape(12, 16);
        assertTrue(expected.equalsWithEps(actual, 1e-4), "head output\n" + actual + "\nexpected\n" + expected);
        assertEquals(activations.get(2), net.feedForward(rows, true).get(2));
    }

    private static double[][] plainLinear(double[][] x, INDArray w, INDArray b) {
        double[][] wm = w.toDoubleMatrix();
        double[] bv = b.toDoubleVector();
        double[][] y = new double[x.length][bv.length];
        for (int r = 0; r < x.length; r++) {
            for (int o = 0; o < bv.length; o++) {
                double sum = bv[o];
                for (int i = 0; i < wm.length; i++) {
                    sum += x[r][i] * wm[i][o];
                }
                y[r][o] = sum;
            }
        }
        return y;
    }

    private static double[][] plainBatchNorm(double[][] x, INDArray gain, INDArray bias) {
        double[] g = gain.toDoubleVector();
        double[] b = bias.toDoubleVector();
        double[][] y = new double[x.length][g.length];
        for (int c = 0; c < g.length; c++) {
            double mean = 0;
            for (double[] row : x) {
                mean += row[c] / x.length;
            }
            double variance = 0;
            for (double[] row : x) {
                variance += (row[c] - mean) * (row[c] - mean) / x.length;
            }
            for (int r = 0; r < x.length; r++) {
                y[r][c] = (x[r][c] - mean) / Math.sqrt(variance + 1e-5) * g[c] + b[c];
            }
        }
        return y;
    }

    private static double[][] plainGelu(double[][] x) {
        double[][] y = new double[x.length][];
        for (int r = 0; r < x.length; r++) {
            y[r] = java.util.Arrays.stream(x[r]).map(v -> 0.5 * v * (1 + org.apache.commons.math3.special.Erf.erf(v / Math.sqrt(2)))).toArray();
        }
        return y;
    }

    /** The random-init baseline rebuilds a run's initial network from its configuration: that needs exact repeats. */
    @Test
    void theSeedAloneFixesTheInitialParameters() {
        DinoConfig config = TestConfigs.tinyVit(2, 0.1, true);
        INDArray first = DinoNetwork.create(config).params();
        Nd4j.rand(DataType.FLOAT, 100); // other random draws in between change nothing
        assertEquals(first, DinoNetwork.create(config).params());
        DinoConfig otherSeed = TestConfigs.withSeed(config, config.train().seed() + 1);
        assertNotEquals(first, DinoNetwork.create(otherSeed).params());

        // The reference's distributions: trunc_normal(std 0.02) for the ViT's linear weights, Uniform(+-1/sqrt(fan in))
        // for the patch embedding (fan in 3 x 4 x 4) and the last layer's direction (fan in 16).
        MultiLayerNetwork net = DinoNetwork.create(config);
        INDArray mlp = net.getLayer(DinoNetwork.BACKBONE).paramTable().get("b0fc1W");
        assertEquals(0.02, mlp.stdNumber().doubleValue(), 0.002);
        INDArray patch = net.getLayer(DinoNetwork.BACKBONE).paramTable().get("patchW");
        assertTrue(patch.amaxNumber().doubleValue() <= 1 / Math.sqrt(48) && patch.amaxNumber().doubleValue() > 0.9 / Math.sqrt(48));
        INDArray direction = net.getLayer(DinoNetwork.LAST_LAYER).paramTable().get("v");
        assertEquals(1 / Math.sqrt(3 * 16), direction.stdNumber().doubleValue(), 0.01);
    }

    @Test
    void jsonRoundTripGivesIdenticalOutputs() {
        for (DinoConfig config : List.of(TestConfigs.tinyVit(2, 0.1, false), TestConfigs.tinyConv(2, true))) {
            MultiLayerNetwork original = DinoNetwork.create(config);
            MultiLayerConfiguration restored = MultiLayerConfiguration.fromJson(original.getLayerWiseConfigurations().toJson());
            assertEquals(original.getLayerWiseConfigurations().toJson(), restored.toJson());
            MultiLayerNetwork copy = new MultiLayerNetwork(restored);
            copy.init(original.params().dup(), false);
            INDArray rows = Nd4j.rand(DataType.FLOAT, 3, CROPS.rowWidth(2));
            assertEquals(original.output(rows), copy.output(rows));
        }
    }

    @Test
    void stochasticDepthActsInTrainingOnly() {
        MultiLayerNetwork net = DinoNetwork.create(TestConfigs.tinyVit(2, 0.5, true));
        INDArray rows = Nd4j.rand(DataType.FLOAT, 4, CROPS.rowWidth(2));
        assertEquals(net.output(rows, false), net.output(rows, false));
        INDArray first = net.output(rows, true);
        INDArray second = net.output(rows, true);
        assertNotEquals(first, second, "two training passes drew the same drop-path masks");
        assertNotEquals(net.output(rows, false), first);
    }

    @Test
    void vitPresetsHaveThePapersSizes() {
        // Exact counts of the architecture (patch embedding, CLS, 197 positions, 12 blocks, final norm):
        // ViT-S/16 21.67M (the paper rounds to 21M), ViT-B/16 85.80M (the paper: 85M).
        assertEquals(21_665_664, backboneParameters(Arch.VIT_SMALL));
        long base = backboneParameters(Arch.VIT_BASE);
        assertEquals(85_798_656, base);
        assertTrue(Math.abs(base - 85e6) / 85e6 < 0.01);
    }

    private static long backboneParameters(Arch arch) {
        ModelConfig model = new ModelConfig(arch, 16, arch.presetEmbedDim(), arch.presetDepth(), arch.presetNumHeads(),
                4.0, true, 0.1, List.of(8), 16, 16, 16, false, true);
        MultiCropViT vit = (MultiCropViT) DinoNetwork.configuration(TestConfigs.withModel(model, 8, 224, 96))
                .getConf(DinoNetwork.BACKBONE).getLayer();
        return vit.getLayerParams().getParamShapes().values().stream()
                .mapToLong(shape -> java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b)).sum();
    }

    @Test
    void frozenLastLayerKeepsItsParameters() {
        DinoConfig config = TestConfigs.tinyVit(2, 0.0, true);
        MultiLayerNetwork net = DinoNetwork.create(config);
        io.dinospark.engine.dl4j.OptimizerSettings.apply(net, 1e-2, 0.0, true);
        INDArray rows = Nd4j.rand(DataType.FLOAT, 4, CROPS.rowWidth(2));
        INDArray targets = TeacherTargets.probabilities(Nd4j.randn(DataType.FLOAT, 4, 40), Center.zeros(20).value(), 0.04);
        INDArray lastBefore = net.getLayer(DinoNetwork.LAST_LAYER).params().dup();
        INDArray headBefore = net.getLayer(1).params().dup();
        net.fit(new DataSet(rows, targets));
        assertEquals(lastBefore, net.getLayer(DinoNetwork.LAST_LAYER).params());
        assertNotEquals(headBefore, net.getLayer(1).params());

        io.dinospark.engine.dl4j.OptimizerSettings.apply(net, 1e-2, 0.0, false);
        net.fit(new DataSet(rows, targets));
        assertNotEquals(lastBefore, net.getLayer(DinoNetwork.LAST_LAYER).params());
    }
}
