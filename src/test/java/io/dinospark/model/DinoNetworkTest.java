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
    @ValueSource(strings = {"vit", "vit-free-gain", "conv"})
    void networkGradientsMatchFiniteDifferences(String variant) {
        DinoConfig config = switch (variant) {
            case "vit" -> TestConfigs.tinyVit(2, 0.0, true);
            case "vit-free-gain" -> TestConfigs.tinyVit(1, 0.0, false);
            default -> TestConfigs.tinyConv(2);
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

    @Test
    void jsonRoundTripGivesIdenticalOutputs() {
        for (DinoConfig config : List.of(TestConfigs.tinyVit(2, 0.1, false), TestConfigs.tinyConv(2))) {
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
                4.0, true, 0.1, List.of(8), 16, 16, 16, true);
        MultiCropViT vit = (MultiCropViT) DinoNetwork.configuration(TestConfigs.withModel(model, 8, 224, 96))
                .getConf(DinoNetwork.BACKBONE).getLayer();
        return vit.getLayerParams().getParamShapes().values().stream()
                .mapToLong(shape -> java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b)).sum();
    }

    @Test
    void frozenLastLayerKeepsItsParameters() {
        DinoConfig config = TestConfigs.tinyVit(2, 0.0, true);
        MultiLayerNetwork net = DinoNetwork.create(config);
        io.dinospark.train.OptimizerSettings.apply(net, 1e-2, 0.0, true);
        INDArray rows = Nd4j.rand(DataType.FLOAT, 4, CROPS.rowWidth(2));
        INDArray targets = TeacherTargets.probabilities(Nd4j.randn(DataType.FLOAT, 4, 40), Center.zeros(20).value(), 0.04);
        INDArray lastBefore = net.getLayer(DinoNetwork.LAST_LAYER).params().dup();
        INDArray headBefore = net.getLayer(1).params().dup();
        net.fit(new DataSet(rows, targets));
        assertEquals(lastBefore, net.getLayer(DinoNetwork.LAST_LAYER).params());
        assertNotEquals(headBefore, net.getLayer(1).params());

        io.dinospark.train.OptimizerSettings.apply(net, 1e-2, 0.0, false);
        net.fit(new DataSet(rows, targets));
        assertNotEquals(lastBefore, net.getLayer(DinoNetwork.LAST_LAYER).params());
    }
}
