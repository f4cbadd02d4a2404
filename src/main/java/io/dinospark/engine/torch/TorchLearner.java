package io.dinospark.engine.torch;

import io.dinospark.engine.Minibatch;
import io.dinospark.engine.StepSettings;
import io.dinospark.engine.StudentState;
import java.io.Serializable;

/**
 * What a torch worker trains on its executor ({@link TorchWorker}): a resident network with its AdamW, which loads
 * the broadcast parameters and moments, takes one update per minibatch ({@link #fit}, the learner's loss) and
 * gives its values back for averaging.
 */
abstract class TorchLearner implements TorchExecutor.Resident<TorchLearner.Spec> {

    /** What a learner is built from; learners of equal specs stand in for each other. */
    interface Spec extends Serializable {

        TorchLearner build(TorchDevice device);

        /** The run seed its stochastic-depth noise derives from. */
        long seed();
    }

    protected final TorchDinoNetwork network;
    protected final TorchAdamW adamw;

    TorchLearner(TorchDinoNetwork network, TorchAdamW adamw) {
        this.network = network;
        this.adamw = adamw;
    }

    /**
     * One optimizer update on {@code batch}.
     *
     * @param noiseSeed the seed of this update's stochastic depth
     * @return the minibatch's loss before the update
     */
    public abstract double fit(Minibatch batch, StepSettings settings, long noiseSeed);

    @Override
    public TorchDevice device() {
        return network.device();
    }

    void load(StudentState state) {
        network.load(TorchArrays.floats(state.params()));
        adamw.load(TorchArrays.floats(state.optimizer()), state.optimizerSteps());
    }

    float[] paramValues() {
        return network.params();
    }

    float[] optimizerValues() {
        return adamw.state();
    }

    long optimizerSteps() {
        return adamw.steps();
    }

    @Override
    public void close() {
        network.close();
        adamw.close();
    }
}
