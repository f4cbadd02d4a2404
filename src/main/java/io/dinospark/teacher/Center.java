package io.dinospark.teacher;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The center {@code C} subtracted from the teacher's logits, updated once per optimizer step from the mean raw
 * teacher output over every global crop of the step on every worker: {@code C <- m C + (1 - m) mean}.
 */
public final class Center {

    private final INDArray value;

    private Center(INDArray value) {
        this.value = value;
    }

    public static Center zeros(int k) {
        return new Center(Nd4j.zeros(DataType.FLOAT, 1, k));
    }

    public static Center of(INDArray value) {
        return new Center(value.reshape(1, value.length()).dup());
    }

    /** The current center, {@code [1, K]}; a copy. */
    public INDArray value() {
        return value.dup();
    }

    public long k() {
        return value.length();
    }

    /** Sum of the raw teacher logits over rows and global crops, {@code [1, K]}: what each worker contributes. */
    public static INDArray logitSum(INDArray teacherLogits, long k) {
        return teacherLogits.reshape(-1, k).sum(true, 0);
    }

    /**
     * @param logitSum the summed raw teacher logits of the step, {@code [1, K]}, over {@code crops} global crops
     * @param momentum the center momentum {@code m} (0.9 in the paper)
     */
    public void update(INDArray logitSum, long crops, double momentum) {
        if (crops <= 0) {
            throw new IllegalArgumentException("center update needs at least one crop, got " + crops);
        }
        value.muli(momentum).addi(logitSum.reshape(1, k()).castTo(value.dataType()).mul((1 - momentum) / crops));
    }
}
