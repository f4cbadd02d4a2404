package io.dinospark.engine.dl4j;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.dinospark.engine.LocalStudent;
import io.dinospark.engine.Minibatch;
import io.dinospark.engine.StepSettings;
import io.dinospark.engine.StudentState;

/** The student as one DL4J network trained in this process: DL4J draws its own stochastic-depth noise. */
final class Dl4jLocalStudent implements LocalStudent {

    private final MultiLayerNetwork network;

    Dl4jLocalStudent(MultiLayerNetwork network) {
        this.network = network;
    }

    @Override
    public double fit(Minibatch batch, StepSettings settings, long noiseSeed) {
        OptimizerSettings.apply(network, settings.lr(), settings.weightDecay(), settings.lastLayerFrozen());
        network.fit(Dl4jEngine.dataSet(batch));
        return network.score();
    }

    @Override
    public INDArray params() {
        return network.params();
    }

    @Override
    public StudentState state() {
        return Dl4jEngine.state(network);
    }
}
