package io.dinospark.engine.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinospark.TestConfigs;
import io.dinospark.config.DinoConfig;
import io.dinospark.engine.Classifier;
import io.dinospark.engine.FeatureNetwork;
import io.dinospark.engine.Minibatch;
import io.dinospark.engine.StepSettings;
import io.dinospark.engine.StudentState;
import io.dinospark.engine.dl4j.Dl4jEngine;
import io.dinospark.engine.dl4j.OptimizerSettings;
import io.dinospark.model.DinoNetwork;
import io.dinospark.model.ParameterLayout;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The fine-tuned classifier's math on both engines against one independent computation: each engine's loss equals
 * the soft-target cross-entropy of {@code x W + b}, computed here in doubles with {@code x} the DL4J engine's
 * features of the same backbone; and its first AdamW update moves each classifier weight and bias by {@code -lr
 * sign(g)}, with {@code g = x^T (softmax(z) - t) / B} computed here, and the backbone by at most {@code lr x scale}.
 */
class ClassifierEnginesTest {

    private static final int CLASSES = 3;
    private static final int BATCH = 6;
    private static final double LR = 1e-3;
    private static final double BACKBONE_SCALE = 0.1;

    /** Parameters, views, targets and what they must give, computed here. */
    private record Case(DinoConfig config, Classifier classifier, float[] params, INDArray views, INDArray targets,
            double loss, double[][] gradW, double[] gradB) {
    }

    private static Case newCase(String arch) {
        DinoConfig config = arch.equals("vit") ? TestConfigs.tinyVit(0, 0.0, true) : TestConfigs.tinyConv(0);
        Classifier classifier = new Classifier(config, CLASSES, BACKBONE_SCALE);
        ParameterLayout layout = classifier.layout();
        long backboneLength = layout.length(DinoNetwork.BACKBONE);
        SplittableRandom random = new SplittableRandom(7);
        float[] params = new float[(int) layout.size()];
        float[] backbone = new Dl4jEngine().initialStudent(config).params().toFloatVector();
        System.arraycopy(backbone, 0, params, 0, (int) backboneLength);
        for (int i = (int) backboneLength; i < params.length; i++) {
            params[i] = (float) (random.nextGaussian() * 0.3);
        }
        int width = 3 * config.crops().globalSize() * config.crops().globalSize();
        INDArray views = Nd4j.rand(DataType.FLOAT, BATCH, width).subi(0.5).muli(4);
        double[][] targets = new double[BATCH][CLASSES];
        for (int i = 0; i < BATCH; i++) {
            for (int c = 0; c < CLASSES; c++) {
                targets[i][c] = 0.1 / CLASSES + (c == i % CLASSES ? 0.9 : 0);
            }
        }

        double[][] x;
        try (FeatureNetwork dl4j = new Dl4jEngine().features(config,
                Nd4j.create(java.util.Arrays.copyOf(params, (int) backboneLength)), 1)) {
            x = dl4j.features(views).toDoubleMatrix();
        }
        ParameterLayout.Entry w = layout.entry(ParameterLayout.CLASSIFIER, "W");
        ParameterLayout.Entry b = layout.entry(ParameterLayout.CLASSIFIER, "b");
        int features = (int) w.shape()[0];
        double expectedLoss = 0;
        double[][] gradW = new double[features][CLASSES];
        double[] gradB = new double[CLASSES];
        for (int i = 0; i < BATCH; i++) {
            double[] z = new double[CLASSES];
            for (int c = 0; c < CLASSES; c++) {
                z[c] = params[(int) b.offset() + c];
                for (int f = 0; f < features; f++) {
                    z[c] += x[i][f] * params[(int) w.offset() + f * CLASSES + c];
                }
            }
            double max = Math.max(z[0], Math.max(z[1], z[2]));
            double sum = 0;
            for (double v : z) {
                sum += Math.exp(v - max);
            }
            for (int c = 0; c < CLASSES; c++) {
                double logP = z[c] - max - Math.log(sum);
                expectedLoss -= targets[i][c] * logP / BATCH;
                double residual = (Math.exp(logP) - targets[i][c]) / BATCH;
                gradB[c] += residual;
                for (int f = 0; f < features; f++) {
                    gradW[f][c] += x[i][f] * residual;
                }
            }
        }
        return new Case(config, classifier, params, views, Nd4j.create(targets).castTo(DataType.FLOAT), expectedLoss,
                gradW, gradB);
    }

    @ParameterizedTest
    @ValueSource(strings = {"vit", "conv"})
    void torch(String arch) {
        Case c = newCase(arch);
        ParameterLayout layout = c.classifier().layout();
        try (TorchClassifier torch = new TorchClassifier(new TorchClassifier.Spec(c.classifier()), TorchDevice.CPU)) {
            torch.load(new StudentState(Nd4j.create(c.params()), Nd4j.zeros(DataType.FLOAT, 2 * layout.size()), 0));
            double loss = torch.fit(new Minibatch(c.views(), c.targets()), new StepSettings(0, LR, 0, false), 0);
            assertEquals(c.loss(), loss, 1e-5 * Math.max(1, c.loss()), "loss");
            assertFirstUpdate(c, torch.paramValues());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vit", "conv"})
    void dl4j(String arch) {
        Case c = newCase(arch);
        MultiLayerNetwork network = new MultiLayerNetwork(DinoNetwork.classifierConfiguration(c.config(), CLASSES));
        network.init(Nd4j.create(c.params()).reshape(1, c.params().length), true);
        OptimizerSettings.apply(network, LR, 0, false, BACKBONE_SCALE);
        DataSet batch = new DataSet(c.views(), c.targets());
        assertEquals(c.loss(), network.score(batch), 1e-5 * Math.max(1, c.loss()), "loss");
        network.fit(batch);
        assertFirstUpdate(c, network.params().toFloatVector());
    }

    /**
     * DL4J keeps one block of AdamW state per run of parameters with equal updater settings, and the state's layout
     * follows the blocks. At equal rates (backbone scale 1) the backbone and the classifier must still be two blocks,
     * so that the layout (the averaged moments' meaning) does not change with the rates from one step to the next.
     */
    @ParameterizedTest
    @ValueSource(doubles = {1.0, BACKBONE_SCALE})
    void dl4jKeepsTheBackbonesAdamWStateApartFromTheClassifiers(double scale) {
        DinoConfig config = TestConfigs.tinyConv(0);
        long backbone = ParameterLayout.classifier(config, CLASSES).length(DinoNetwork.BACKBONE);
        MultiLayerNetwork network = new MultiLayerNetwork(DinoNetwork.classifierConfiguration(config, CLASSES));
        network.init();
        OptimizerSettings.apply(network, LR, 0.05, false, scale);
        org.deeplearning4j.nn.conf.MultiLayerConfiguration sent = org.deeplearning4j.nn.conf.MultiLayerConfiguration
                .fromJson(network.getLayerWiseConfigurations().toJson()); // as a Spark worker rebuilds it
        for (MultiLayerNetwork net : List.of(network, new MultiLayerNetwork(sent))) {
            if (net != network) {
                net.init();
            }
            List<Long> starts = ((org.deeplearning4j.nn.updater.BaseMultiLayerUpdater<?>) net.getUpdater())
                    .getUpdaterBlocks().stream().map(block -> (long) block.getParamOffsetStart()).toList();
            assertTrue(starts.contains(backbone), "a block starts at the classifier (" + backbone + "): " + starts);
        }
    }

    /** AdamW's first step is {@code -lr g / (|g| + eps)}: {@code -lr sign(g)} wherever the gradient is not tiny. */
    private static void assertFirstUpdate(Case c, float[] after) {
        ParameterLayout layout = c.classifier().layout();
        ParameterLayout.Entry w = layout.entry(ParameterLayout.CLASSIFIER, "W");
        ParameterLayout.Entry b = layout.entry(ParameterLayout.CLASSIFIER, "b");
        float[] params = c.params();
        int features = (int) w.shape()[0];
        int moved = 0;
        for (int f = 0; f < features; f++) {
            for (int k = 0; k < CLASSES; k++) {
                int at = (int) w.offset() + f * CLASSES + k;
                if (Math.abs(c.gradW()[f][k]) > 1e-4) {
                    assertEquals(-LR * Math.signum(c.gradW()[f][k]), after[at] - params[at], 1e-2 * LR,
                            "W[" + f + ", " + k + "]");
                    moved++;
                }
            }
        }
        assertTrue(moved > features, "most weights have a gradient; " + moved + " checked");
        for (int k = 0; k < CLASSES; k++) {
            int at = (int) b.offset() + k;
            assertEquals(-LR * Math.signum(c.gradB()[k]), after[at] - params[at], 1e-2 * LR, "b[" + k + "]");
        }
        double largestBackboneStep = 0;
        for (int i = 0; i < layout.length(DinoNetwork.BACKBONE); i++) {
            largestBackboneStep = Math.max(largestBackboneStep, Math.abs(after[i] - params[i]));
        }
        assertEquals(LR * BACKBONE_SCALE, largestBackboneStep, 1e-2 * LR * BACKBONE_SCALE,
                "the backbone's first AdamW step is lr x scale wherever it has a gradient");
    }
}
