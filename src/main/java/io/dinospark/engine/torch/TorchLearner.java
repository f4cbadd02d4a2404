package io.dinospark.engine.torch;

import io.dinospark.engine.Minibatch;
import io.dinospark.engine.StepSettings;
import io.dinospark.engine.StudentState;
import java.io.Serializable;

/**
 * What a torch worker trains on its executor ({@link TorchWorker}): a resident network with its AdamW, which loads
 * the broadcast parameters and moments, takes one update per minibatch and gives its values back for averaging.
 */
interface TorchLearner extends TorchExecutor.Resident<TorchLearner.Spec> {

    /** What a learner is built from; learners of equal specs stand in for each other. */
    interface Spec extends Serializable {

        TorchLearner build(TorchDevice device);

        /** The run seed its stochastic-depth noise derives from. */
        long seed();
    }

    void load(StudentState state);

    /**
     * One optimizer update on {@code batch}.
     *
     * @return the minibatch's loss before the update
     */
    double fit(Minibatch batch, StepSettings settings, long noiseSeed);

    float[] paramValues();

    float[] optimizerValues();

    long optimizerSteps();
}
