package io.dinospark.engine.torch;

import java.util.ArrayList;
import java.util.List;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AbstractTensor;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import io.dinospark.engine.StepSettings;
import io.dinospark.model.DinoNetwork;
import io.dinospark.model.ParameterLayout;

/**
 * The reference's optimizer step on a network's parameters, after the backward pass: each gradient clipped to L2
 * norm {@code clip} on its own tensor (the reference's {@code clip_gradients}), the head's last layer left untouched
 * while it is frozen (the reference drops its gradients, so AdamW skips it), then PyTorch's AdamW (betas 0.9 and
 * 0.999, eps 1e-8) with decoupled weight decay on weights only. Its moments are one flat state of two vectors in the
 * parameters' layout, first then second moments, so that they average and checkpoint like the parameters; they live
 * on the parameters' device.
 */
final class TorchAdamW implements AutoCloseable {

    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPS = 1e-8;
    /** The reference's {@code clip_gradients}: {@code clip / (norm + 1e-6)} when below 1. */
    private static final double CLIP_EPS = 1e-6;

    private final ParameterLayout layout;
    private final double backboneLrScale;
    private final List<Tensor> first = new ArrayList<>();
    private final List<Tensor> second = new ArrayList<>();
    private long steps;

    TorchAdamW(ParameterLayout layout, TorchDevice device) {
        this(layout, device, 1);
    }

    /**
     * With the backbone's learning rate (and so its weight decay step) {@code backboneLrScale} times the step's, as
     * a parameter group of its own in PyTorch: fine-tuning's lower backbone rate.
     */
    TorchAdamW(ParameterLayout layout, TorchDevice device, double backboneLrScale) {
        this.layout = layout;
        this.backboneLrScale = backboneLrScale;
        try (PointerScope scope = new PointerScope()) {
            TensorOptions onDevice = new TensorOptions(device.device());
            for (ParameterLayout.Entry e : layout.entries()) {
                first.add(owned(torch.zeros(e.shape(), onDevice)));
                second.add(owned(torch.zeros(e.shape(), onDevice)));
            }
        }
    }

    private static Tensor owned(Tensor t) {
        t.retainReference();
        return t;
    }

    /** Updates done so far: AdamW's bias correction counts them. */
    long steps() {
        return steps;
    }

    /** Sets the moments from a flat state {@code [first | second]} of {@code 2 * layout.size()} values. */
    void load(float[] state, long updates) {
        if (state.length != 2 * layout.size()) {
            throw new IllegalArgumentException("an AdamW state of " + state.length + " values does not fit "
                    + layout.size() + " parameters (it holds two moments per parameter)");
        }
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Tensor source = AbstractTensor.create(state);
            for (int i = 0; i < first.size(); i++) {
                ParameterLayout.Entry e = layout.entries().get(i);
                first.get(i).copy_(source.narrow(0, e.offset(), e.length()).view(e.shape()));
                second.get(i).copy_(source.narrow(0, layout.size() + e.offset(), e.length()).view(e.shape()));
            }
        }
        this.steps = updates;
    }

    /** The moments as one flat state {@code [first | second]}. */
    float[] state() {
        float[] state = new float[Math.toIntExact(2 * layout.size())];
        try (PointerScope scope = new PointerScope()) {
            for (int i = 0; i < first.size(); i++) {
                ParameterLayout.Entry e = layout.entries().get(i);
                int length = Math.toIntExact(e.length());
                first.get(i).cpu().contiguous().data_ptr_float().get(state, Math.toIntExact(e.offset()), length);
                second.get(i).cpu().contiguous().data_ptr_float()
                        .get(state, Math.toIntExact(layout.size() + e.offset()), length);
            }
        }
        return state;
    }

    /** One update of {@code parameters} (in layout order) from their gradients, which it then zeroes. */
    void step(List<Tensor> parameters, StepSettings settings, double clip) {
        steps++;
        double firstCorrection = 1 - Math.pow(BETA1, steps);
        double secondCorrection = Math.sqrt(1 - Math.pow(BETA2, steps));
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            for (int i = 0; i < parameters.size(); i++) {
                ParameterLayout.Entry e = layout.entries().get(i);
                Tensor p = parameters.get(i);
                Tensor g = p.grad();
                if (!g.defined() || settings.lastLayerFrozen() && e.layer() == DinoNetwork.LAST_LAYER) {
                    continue;
                }
                if (clip > 0) {
                    double coefficient = clip / (g.norm().item_double() + CLIP_EPS);
                    if (coefficient < 1) {
                        g.mul_(new Scalar(coefficient));
                    }
                }
                // PyTorch's single-tensor AdamW, op for op: fused in-place kernels, one pass over memory each.
                double lr = e.layer() == DinoNetwork.BACKBONE ? settings.lr() * backboneLrScale : settings.lr();
                Tensor m = first.get(i);
                Tensor v = second.get(i);
                m.lerp_(g, new Scalar(1 - BETA1));
                v.mul_(new Scalar(BETA2)).addcmul_(g, g, new Scalar(1 - BETA2));
                if (e.decay() && settings.weightDecay() > 0) {
                    p.mul_(new Scalar(1 - lr * settings.weightDecay()));
                }
                Tensor denominator = v.sqrt().div_(new Scalar(secondCorrection)).add_(new Scalar(EPS));
                p.addcdiv_(m, denominator, new Scalar(-lr / firstCorrection));
            }
            for (Tensor p : parameters) {
                Tensor g = p.grad();
                if (g.defined()) {
                    g.zero_();
                }
            }
        }
    }

    @Override
    public void close() {
        first.forEach(Tensor::releaseReference);
        second.forEach(Tensor::releaseReference);
    }
}
