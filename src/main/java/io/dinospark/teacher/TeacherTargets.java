package io.dinospark.teacher;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The teacher's targets for the student: {@code P_t = softmax((g_t(x) - C) / tau_t)} per global crop. */
public final class TeacherTargets {

    private TeacherTargets() {
    }

    /**
     * @param teacherLogits the teacher network's output on the global crops, {@code [B, 2K]}
     * @param center        the center {@code C}, {@code [1, K]}
     * @param teacherTemp   {@code tau_t} for this step
     * @return probabilities {@code [B, 2K]}, the labels of the student's DataSet
     */
    public static INDArray probabilities(INDArray teacherLogits, INDArray center, double teacherTemp) {
        long k = center.length();
        long views = teacherLogits.size(1) / k;
        if (teacherLogits.size(1) != views * k) {
            throw new IllegalArgumentException("teacher logits of width " + teacherLogits.size(1)
                    + " are not whole views of K = " + k);
        }
        INDArray out = teacherLogits.ulike();
        for (long v = 0; v < views; v++) {
            INDArray logits = teacherLogits.get(NDArrayIndex.all(), NDArrayIndex.interval(v * k, (v + 1) * k));
            INDArray scaled = logits.subRowVector(center.reshape(1, k)).divi(teacherTemp);
            scaled.subiColumnVector(scaled.max(true, 1));
            INDArray exp = Transforms.exp(scaled, false);
            out.get(NDArrayIndex.all(), NDArrayIndex.interval(v * k, (v + 1) * k)).assign(exp.diviColumnVector(exp.sum(true, 1)));
        }
        return out;
    }

    /** Mean Shannon entropy (nats) of the teacher's distributions: near 0 or near ln K signals collapse. */
    public static double meanEntropy(INDArray probabilities, long k) {
        INDArray p = probabilities.reshape(-1, k);
        INDArray logP = Transforms.log(Transforms.max(p, 1e-30, true), false);
        return -p.mul(logP).sumNumber().doubleValue() / p.size(0);
    }
}
