package io.dinospark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import io.dinospark.TestConfigs;
import io.dinospark.config.DinoConfig;
import io.dinospark.engine.Engine;
import io.dinospark.model.DinoNetwork;

/** The evaluation backbone computes what the training network's layer 0 computes, one view per row. */
class FeatureModelTest {

    private static INDArray features(FeatureModel model, INDArray views) {
        try (var network = Engine.of(model.config()).features(model.config(), model.params(), model.blocks())) {
            return network.features(views);
        }
    }

    private static void assertSameFeaturesAsTheTrainingNetwork(DinoConfig config) {
        MultiLayerNetwork teacher = DinoNetwork.create(config);
        Nd4j.getRandom().setSeed(1);
        INDArray views = Nd4j.randn(DataType.FLOAT, 3, 3 * 16 * 16);
        // The training network reads rows of two global crops: give it each view twice and keep the first feature.
        INDArray pairs = Nd4j.concat(1, views, views);
        INDArray expected = teacher.feedForwardToLayer(DinoNetwork.BACKBONE, pairs, false).get(DinoNetwork.BACKBONE + 1);
        int d = (int) (expected.columns() / 2);
        expected = expected.get(NDArrayIndex.all(), NDArrayIndex.interval(0, d));
        INDArray got = features(FeatureModel.backbone(FeatureModel.TEACHER, config, teacher.params(), 1), views);
        assertEquals(expected.shape()[1], got.shape()[1]);
        assertEquals(0, expected.sub(got).amaxNumber().doubleValue(), 1e-5);
    }

    @Test
    void vitFeaturesAreTheTeachersClsTokens() {
        assertSameFeaturesAsTheTrainingNetwork(TestConfigs.tinyVit(2, 0.1, true));
    }

    @Test
    void convFeaturesAreTheTeachersPooledFeatures() {
        assertSameFeaturesAsTheTrainingNetwork(TestConfigs.tinyConv(2));
    }

    @Test
    void lastBlocksAreConcatenatedOldestFirstAndTheLastIsTheUsualFeature() {
        DinoConfig config = TestConfigs.tinyVit(2, 0.1, true);
        INDArray params = DinoNetwork.create(config).params();
        INDArray views = Nd4j.randn(DataType.FLOAT, 2, 3 * 16 * 16);
        INDArray last = features(FeatureModel.backbone("t", config, params, 1), views);
        INDArray both = features(FeatureModel.backbone("t", config, params, 2), views);
        assertEquals(48, both.columns());
        assertEquals(0, both.get(NDArrayIndex.all(), NDArrayIndex.interval(24, 48)).sub(last).amaxNumber().doubleValue(), 1e-5);
        assertThrows(IllegalArgumentException.class, () -> FeatureModel.backbone("t", config, params, 3));
        assertThrows(IllegalArgumentException.class,
                () -> FeatureModel.backbone("t", TestConfigs.tinyConv(2), DinoNetwork.create(TestConfigs.tinyConv(2)).params(), 2));
    }

    @Test
    void randomInitIsTheBackboneANewRunStartsFrom() {
        DinoConfig config = TestConfigs.tinyVit(2, 0.1, true);
        assertEquals(FeatureModel.backbone("x", config, DinoNetwork.create(config).params(), 1).params(),
                FeatureModel.randomInit(config, 1).params());
    }
}
