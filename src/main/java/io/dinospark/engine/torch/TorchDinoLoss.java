package io.dinospark.engine.torch;

import java.util.Arrays;

import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * DINO's loss (Caron et al. 2021, Algorithm 1 and eq. 3) on libtorch, the same function as
 * {@link io.dinospark.loss.DinoLoss}. With {@code log P_s(v) = log_softmax(z_v / tau_s)},
 * <pre>
 *   L = mean over the batch of 1 / n_pairs * sum_{i in {0,1}} sum_{v != i} ( - sum_k P_t(i)_k log P_s(v)_k ),
 *   n_pairs = 2 * views - 2
 * </pre>
 */
public final class TorchDinoLoss {

    static {
        TorchNatives.load();
    }

    private TorchDinoLoss() {
    }

    /**
     * The loss as a scalar tensor, differentiable in the student's logits (the targets are constants, as the
     * reference's teacher output). Call inside a {@code PointerScope}.
     *
     * @param studentLogits  {@code [B, views * K]}, the two global crops first
     * @param teacherTargets teacher probabilities of the two global crops, {@code [B, 2K]}
     * @param studentTemp    {@code tau_s}
     */
    public static Tensor loss(Tensor studentLogits, Tensor teacherTargets, double studentTemp) {
        if (!(studentTemp > 0)) {
            throw new IllegalArgumentException("student temperature must be positive, got " + studentTemp);
        }
        if (studentLogits.dim() != 2 || teacherTargets.dim() != 2 || teacherTargets.size(1) % 2 != 0
                || studentLogits.size(0) != teacherTargets.size(0)
                || studentLogits.size(1) % (teacherTargets.size(1) / 2) != 0) {
            throw new IllegalArgumentException("DINO loss expects targets [B, 2K] (teacher probabilities of the two global crops)"
                    + " and logits [B, views * K]; got targets " + Arrays.toString(teacherTargets.shape())
                    + " and logits " + Arrays.toString(studentLogits.shape()));
        }
        long batch = studentLogits.size(0);
        long k = teacherTargets.size(1) / 2;
        long views = studentLogits.size(1) / k;
        if (views < 2) {
            throw new IllegalArgumentException("DINO loss needs at least the 2 global crops, got " + views + " views");
        }
        Tensor logP = studentLogits.view(batch, views, k).div(new Scalar(studentTemp)).log_softmax(2);
        Tensor t = teacherTargets.detach().view(batch, 2, k);
        Tensor t0 = t.narrow(1, 0, 1);
        Tensor t1 = t.narrow(1, 1, 1);
        // The targets paired with each student view: the other global crop for the globals, both for the locals.
        TensorVector paired = new TensorVector(t1, t0);
        if (views > 2) {
            paired.push_back(t0.add(t1).expand(batch, views - 2, k));
        }
        long pairs = 2 * views - 2;
        return torch.cat(paired, 1).mul(logP).sum().neg().div(new Scalar((double) (batch * pairs)));
    }
}
