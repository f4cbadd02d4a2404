package io.dinospark.loss;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * DINO's loss (Caron et al. 2021, Algorithm 1 and eq. 3) as a DL4J loss function.
 *
 * <p>Each row's output holds the student's logits for all its crops, {@code [views * K]}: the two global crops
 * first. Each row's labels hold the teacher's probabilities for the two global crops, {@code [2 * K]}. With
 * {@code log P_s(v) = log_softmax(z_v / tau_s)},
 * <pre>
 *   L = 1 / n_pairs * sum_{i in {0,1}} sum_{v != i} ( - sum_k P_t(i)_k log P_s(v)_k ),  n_pairs = 2 * views - 2
 * </pre>
 * averaged over the minibatch by DL4J. The gradient is analytic:
 * {@code dL/dz_v = (sum_k T_v,k * softmax(z_v / tau_s) - T_v) / (tau_s * n_pairs)}, where {@code T_v} is the sum of
 * the teacher distributions paired with view {@code v}.
 */
public class DinoLoss implements ILossFunction {

    @JsonProperty("studentTemp")
    private double studentTemp;

    public DinoLoss() {
        this(0.1);
    }

    public DinoLoss(@JsonProperty("studentTemp") double studentTemp) {
        if (!(studentTemp > 0)) {
            throw new IllegalArgumentException("student temperature must be positive, got " + studentTemp);
        }
        this.studentTemp = studentTemp;
    }

    public double getStudentTemp() {
        return studentTemp;
    }

    /** Per-view log-probabilities, matching teacher targets and softmax of one minibatch. */
    private final class Terms {
        final int views;
        final long k;
        final INDArray studentLogits;
        final INDArray teacherProbs;

        Terms(INDArray labels, INDArray preOutput, IActivation activationFn) {
            if (labels.size(1) % 2 != 0 || preOutput.size(1) % (labels.size(1) / 2) != 0) {
                throw new IllegalArgumentException("DINO loss expects labels [B, 2K] (teacher probabilities of the two global crops)"
                        + " and outputs [B, views * K]; got labels " + java.util.Arrays.toString(labels.shape())
                        + " and outputs " + java.util.Arrays.toString(preOutput.shape()));
            }
            this.k = labels.size(1) / 2;
            this.views = (int) (preOutput.size(1) / k);
            if (views < 2) {
                throw new IllegalArgumentException("DINO loss needs at least the 2 global crops, got " + views + " views");
            }
            this.studentLogits = activationFn.getActivation(preOutput.dup(), true);
            this.teacherProbs = labels;
        }

        int pairs() {
            return 2 * views - 2;
        }

        INDArray view(INDArray rows, int v) {
            return rows.get(NDArrayIndex.all(), NDArrayIndex.interval(v * k, (v + 1) * k));
        }

        /** The sum of the teacher distributions paired with student view v: the other global crop, or both. */
        INDArray target(int v) {
            return switch (v) {
                case 0 -> view(teacherProbs, 1);
                case 1 -> view(teacherProbs, 0);
                default -> view(teacherProbs, 0).add(view(teacherProbs, 1));
            };
        }

        INDArray logSoftmax(int v) {
            INDArray scaled = view(studentLogits, v).div(studentTemp);
            INDArray max = scaled.max(true, 1);
            INDArray shifted = scaled.subColumnVector(max);
            INDArray logSumExp = Transforms.log(Transforms.exp(shifted, true).sum(true, 1), false);
            return shifted.subColumnVector(logSumExp);
        }
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        Terms t = new Terms(labels, preOutput, activationFn);
        INDArray score = null;
        for (int v = 0; v < t.views; v++) {
            INDArray crossEntropy = t.target(v).mul(t.logSoftmax(v)).sum(true, 1).negi();
            score = score == null ? crossEntropy : score.addi(crossEntropy);
        }
        score.divi(t.pairs());
        return mask == null ? score : score.muliColumnVector(mask);
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
            boolean average) {
        INDArray scores = computeScoreArray(labels, preOutput, activationFn, mask);
        double sum = scores.sumNumber().doubleValue();
        return average ? sum / scores.size(0) : sum;
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        Terms t = new Terms(labels, preOutput, activationFn);
        INDArray dLdOut = preOutput.ulike();
        double scale = 1.0 / (studentTemp * t.pairs());
        for (int v = 0; v < t.views; v++) {
            INDArray target = t.target(v);
            INDArray softmax = Transforms.exp(t.logSoftmax(v), false);
            INDArray grad = softmax.muliColumnVector(target.sum(true, 1)).subi(target).muli(scale);
            t.view(dLdOut, v).assign(grad);
        }
        if (mask != null) {
            dLdOut.muliColumnVector(mask);
        }
        return activationFn.backprop(preOutput.dup(), dLdOut).getFirst();
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
            INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    @Override
    public String name() {
        return "DinoLoss(studentTemp=" + studentTemp + ")";
    }

    @Override
    public String toString() {
        return name();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DinoLoss other && other.studentTemp == studentTemp;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(studentTemp);
    }
}
