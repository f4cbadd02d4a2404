package io.dinospark.engine.dl4j;

import java.util.List;

import org.deeplearning4j.nn.conf.layers.samediff.AbstractSameDiffLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.schedule.FixedSchedule;

import io.dinospark.model.DinoNetwork;
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
        apply(net, learningRate, weightDecay, lastLayerFrozen, 1);
    }

    /**
     * With the backbone (layer {@link DinoNetwork#BACKBONE}) at {@code backboneLrScale} times the learning rate, and
     * so its weight decay step too (DL4J's decay is multiplied by the layer's rate): fine-tuning's lower backbone rate.
     */
    public static void apply(MultiLayerNetwork net, double learningRate, double weightDecay, boolean lastLayerFrozen,
            double backboneLrScale) {
        List<Regularization> decay = weightDecay > 0 ? List.of(new WeightDecay(weightDecay, true)) : List.of();
        for (org.deeplearning4j.nn.api.Layer layer : net.getLayers()) {
            if (layer.conf().getLayer() instanceof AbstractSameDiffLayer sd) {
                IUpdater updater = sd.getUpdater();
                double rate = layer.getIndex() == DinoNetwork.BACKBONE ? learningRate * backboneLrScale : learningRate;
                // A rate given as a schedule stays one (see DinoNetwork.classifierConfiguration: the form keeps the
                // layers' updater blocks apart), a plain rate stays plain.
                boolean scheduled = updater instanceof Adam adam && adam.getLearningRateSchedule() != null;
                updater.setLrAndSchedule(rate, scheduled ? new FixedSchedule(rate) : null);
                sd.setRegularization(decay);
                if (sd instanceof WeightNormLinear last) {
                    last.setFrozen(lastLayerFrozen);
                }
            }
        }
    }
}
