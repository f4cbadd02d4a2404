package io.dinospark.train;

/** A step's loss was NaN or infinite: the step is not applied to the teacher. */
public final class NonFiniteLossException extends RuntimeException {

    public NonFiniteLossException(long step, double loss) {
        super("loss at step " + step + " is " + loss + " (expected a finite number, with finite parameters): the step was"
                + " rolled back, the teacher and center were not updated. Lower optim.lr, raise optim.warmup_epochs or"
                + " lower dino.teacher_temp.");
    }
}
