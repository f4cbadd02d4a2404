package io.dinospark.teacher;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The teacher's parameters: an exponential moving average of the student's, never trained by gradients.
 * {@code theta_t <- m theta_t + (1 - m) theta_s}, once per optimizer step (paper, Algorithm 1).
 */
public final class EmaTeacher {

    private final INDArray params;

    /** Starts as a copy of the student's parameters, as in the paper. */
    public EmaTeacher(INDArray studentParams) {
        this.params = studentParams.dup();
    }

    /** The teacher's flat parameter vector (DL4J's layout); a live view, to be copied before it leaves the driver. */
    public INDArray params() {
        return params;
    }

    public void update(INDArray studentParams, double momentum) {
        if (studentParams.length() != params.length()) {
            throw new IllegalArgumentException("student has " + studentParams.length() + " parameters, teacher "
                    + params.length());
        }
        params.muli(momentum).addi(studentParams.reshape(params.shape()).mul(1 - momentum));
    }
}
