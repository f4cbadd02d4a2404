package io.dinospark.engine;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The student as checkpoints and parameter averaging see it: its flat parameters ({@link
 * io.dinospark.model.ParameterLayout}, one dimension), the optimizer's state as one flat array (the engine's layout; AdamW's first
 * then second moments), and the number of optimizer updates so far (AdamW's bias correction).
 */
public record StudentState(INDArray params, INDArray optimizer, long optimizerSteps) implements java.io.Serializable {

    public StudentState {
        params = params.reshape(params.length());
        optimizer = optimizer.reshape(optimizer.length());
    }

    /** A deep copy. */
    public StudentState copy() {
        return new StudentState(params.dup(), optimizer.dup(), optimizerSteps);
    }
}
