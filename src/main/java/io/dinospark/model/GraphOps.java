package io.dinospark.model;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/** The few graph building blocks the backbones and the head share, written as the reference defines them. */
final class GraphOps {

    private GraphOps() {
    }

    /** {@code x @ w + b} on a 2-D input of rows. */
    static SDVariable linear(SDVariable x, SDVariable w, SDVariable b) {
        SDVariable y = x.mmul(w);
        return b == null ? y : y.add(b);
    }

    /** Exact (erf) GELU, as {@code torch.nn.GELU()}: {@code 0.5 x (1 + erf(x / sqrt 2))}. */
    static SDVariable gelu(SameDiff sd, SDVariable x) {
        return x.mul(0.5).mul(sd.math().erf(x.mul(1.0 / Math.sqrt(2.0))).add(1.0));
    }

    /** LayerNorm over the last dimension of a 2-D input: {@code (x - mean) / sqrt(var + eps) * gain + bias}. */
    static SDVariable layerNorm(SameDiff sd, SDVariable x, SDVariable gain, SDVariable bias, double eps) {
        return normalize(sd, x, gain, bias, eps, 1);
    }

    /**
     * BatchNorm over the rows of a 2-D input with the batch's own (biased) statistics, as {@code BatchNorm1d} in
     * training mode: {@code (x - mean_rows) / sqrt(var_rows + eps) * gain + bias}.
     */
    static SDVariable batchNorm(SameDiff sd, SDVariable x, SDVariable gain, SDVariable bias, double eps) {
        return normalize(sd, x, gain, bias, eps, 0);
    }

    /** {@code (x - mean) / sqrt(var + eps) * gain + bias}, mean and (biased) variance along {@code axis}. */
    private static SDVariable normalize(SameDiff sd, SDVariable x, SDVariable gain, SDVariable bias, double eps,
            int axis) {
        SDVariable centred = x.sub(x.mean(true, axis));
        SDVariable variance = centred.mul(centred).mean(true, axis);
        return centred.mul(sd.math().rsqrt(variance.add(eps))).mul(gain).add(bias);
    }

    /** Rows divided by their L2 norm, as {@code F.normalize(x, dim=-1, p=2)} (norm clamped at 1e-12). */
    static SDVariable l2Normalize(SameDiff sd, SDVariable x) {
        SDVariable norm = sd.math().sqrt(x.mul(x).sum(true, 1));
        SDVariable floor = sd.constant(org.nd4j.linalg.factory.Nd4j.scalar(x.dataType(), 1e-12));
        return x.div(sd.math().max(norm, floor));
    }
}
