package io.dinospark.engine;

import org.nd4j.linalg.api.ndarray.INDArray;

/** A student trained in this process, one minibatch per call: forward, DINO loss, backward, clipping, AdamW. */
public interface LocalStudent {

    /**
     * One optimizer update on {@code batch}.
     *
     * @param noiseSeed the seed of this update's stochastic depth (engines that draw their own noise ignore it)
     * @return the minibatch's loss before the update
     */
    double fit(Minibatch batch, StepSettings settings, long noiseSeed);

    /** The current parameters: a live view, not to be modified. */
    INDArray params();

    /** A copy of the parameters, optimizer state and update count. */
    StudentState state();
}
