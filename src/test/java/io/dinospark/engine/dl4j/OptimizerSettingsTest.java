package io.dinospark.engine.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.layers.samediff.AbstractSameDiffLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;

import io.dinospark.TestConfigs;
import io.dinospark.model.DinoNetwork;
import io.dinospark.model.WeightNormLinear;

class OptimizerSettingsTest {

    @Test
    void stepSettingsReachEveryLayerAndSpareBiasesAndGains() {
        MultiLayerNetwork net = DinoNetwork.create(TestConfigs.tinyVit(2, 0.1, false));
        OptimizerSettings.apply(net, 0.123, 0.25, true);
        var backbone = (AbstractSameDiffLayer) net.getLayer(DinoNetwork.BACKBONE).conf().getLayer();
        for (int i = 0; i <= DinoNetwork.LAST_LAYER; i++) {
            var layer = (AbstractSameDiffLayer) net.getLayer(i).conf().getLayer();
            assertEquals(0.123, ((Adam) layer.getUpdater()).getLearningRate());
            assertEquals(GradientNormalization.ClipL2PerParamType, layer.getGradientNormalization());
            assertEquals(3.0, layer.getGradientNormalizationThreshold());
        }
        List<Regularization> weights = backbone.getRegularizationByParam("b0qkvW");
        assertEquals(1, weights.size());
        assertEquals(0.25, ((WeightDecay) weights.get(0)).getCoeff().valueAt(0, 0));
        assertTrue(((WeightDecay) weights.get(0)).isApplyLR(), "decay must be decoupled (scaled by the learning rate)");
        for (String unregularized : List.of("b0qkvB", "b0ln1g", "b0ln1b", "normg", "patchB")) {
            List<Regularization> r = backbone.getRegularizationByParam(unregularized);
            assertTrue(r == null || r.isEmpty(), unregularized + " must get no weight decay");
        }
        var last = (WeightNormLinear) net.getLayer(DinoNetwork.LAST_LAYER).conf().getLayer();
        assertTrue(last.isFrozen());
        List<Regularization> gain = last.getRegularizationByParam("g");
        assertTrue(gain == null || gain.isEmpty(), "the weight-norm gain is 1-D: no weight decay");
        OptimizerSettings.apply(net, 0.1, 0.0, false);
        assertTrue(backbone.getRegularizationByParam("b0qkvW").isEmpty());
        assertEquals(false, last.isFrozen());
    }
}
