package io.dinospark.engine.torch;

import io.dinospark.config.DinoConfig;
import io.dinospark.engine.Classifier;
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
        public DinoConfig config() {
            return classifier.config();
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

    /** One global-size view per row. */
    @Override
    int views(long width) {
        return 1;
    }

    @Override
    Tensor loss(Tensor rows, Tensor keep, Tensor targets) {
        int classes = spec.classifier().classes();
        if (targets.size(1) != classes) {
            throw new IllegalArgumentException("a classifier of " + classes + " classes got targets of "
                    + targets.size(1) + " columns");
        }
        return targets.mul(network.classLogits(rows, keep).log_softmax(1)).sum().neg()
                .div(new Scalar((double) rows.size(0)));
    }
}
