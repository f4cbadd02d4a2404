package io.dinospark.engine.dl4j;

import java.util.List;

import org.deeplearning4j.nn.conf.layers.samediff.AbstractSameDiffLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;

import io.dinospark.model.WeightNormLinear;

/**
 * Sets one step's learning rate, weight decay and last-layer freeze on a student network, in its configuration:
 * DL4J's updater reads them from there at every update, and Spark workers receive them with the configuration.
 * (DL4J's own {@code setLearningRate} skips SameDiff layers.)
 */
public final class OptimizerSettings {

    private OptimizerSettings() {
    }

    public static void apply(MultiLayerNetwork net, double learningRate, double weightDecay, boolean lastLayerFrozen) {
        List<Regularization> decay = weightDecay > 0 ? List.of(new WeightDecay(weightDecay, true)) : List.of();
        for (org.deeplearning4j.nn.api.Layer layer : net.getLayers()) {
            if (layer.conf().getLayer() instanceof AbstractSameDiffLayer sd) {
                IUpdater updater = sd.getUpdater();
                updater.setLrAndSchedule(learningRate, null);
                sd.setRegularization(decay);
                if (sd instanceof WeightNormLinear last) {
                    last.setFrozen(lastLayerFrozen);
                }
            }
        }
    }
}
