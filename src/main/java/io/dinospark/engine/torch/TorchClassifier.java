package io.dinospark.engine.torch;

import io.dinospark.engine.Classifier;
import io.dinospark.engine.Minibatch;
import io.dinospark.engine.StepSettings;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;

/**
 * A classifier fine-tuned on libtorch ({@link Classifier}): the backbone and its linear layer, trained with the
 * cross-entropy of their scores against each view's target distribution (label smoothing is in the targets),
 * {@code - mean over the batch of sum_c t_c log softmax(z)_c}, then the reference's clipping and AdamW, the
 * backbone at its lower rate. Stochastic depth as the DINO student's ({@code model.drop_path_rate}).
 */
final class TorchClassifier extends TorchLearner {

    /** Builds the classifiers of one {@link Classifier}. */
    record Spec(Classifier classifier) implements TorchLearner.Spec {

        @Override
        public TorchLearner build(TorchDevice device) {
            return new TorchClassifier(this, device);
        }

        @Override
        public long seed() {
            return classifier.config().train().seed();
        }
    }

    private final Spec spec;

    TorchClassifier(Spec spec, TorchDevice device) {
        this(spec, new TorchDinoNetwork(spec.classifier().config(), spec.classifier().layout(), device));
    }

    private TorchClassifier(Spec spec, TorchDinoNetwork network) {
        super(network, new TorchAdamW(network.layout(), network.device(), spec.classifier().backboneLrScale()));
        this.spec = spec;
    }

    @Override
    public Spec key() {
        return spec;
    }

    @Override
    public double fit(Minibatch batch, StepSettings settings, long noiseSeed) {
        long size = batch.size();
        int classes = spec.classifier().classes();
        if (batch.targets().size(1) != classes) {
            throw new IllegalArgumentException("a classifier of " + classes + " classes got targets of "
                    + batch.targets().size(1) + " columns");
        }
        float[] rows = TorchArrays.floats(batch.rows());
        float[] targets = TorchArrays.floats(batch.targets());
        float[] keep = TorchDinoNetwork.keepFactors(spec.classifier().config(), size, 1, new SplittableRandom(noiseSeed));
        try (PointerScope scope = new PointerScope()) {
            TorchDevice device = network.device();
            Tensor keepFactors = keep == null ? null : TorchArrays.tensor(device, keep, size, keep.length / size);
            Tensor scores = network.classLogits(TorchArrays.tensor(device, rows, size, batch.rows().size(1)), keepFactors);
            Tensor loss = TorchArrays.tensor(device, targets, size, classes).mul(scores.log_softmax(1)).sum()
                    .neg().div(new Scalar((double) size));
            double value = loss.item_double();
            loss.backward();
            adamw.step(network.parameters(), settings, spec.classifier().config().optim().clipGrad());
            return value;
        }
    }
}
