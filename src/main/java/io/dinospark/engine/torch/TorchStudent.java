package io.dinospark.engine.torch;

import org.bytedeco.pytorch.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.dinospark.config.DinoConfig;
import io.dinospark.engine.LocalStudent;
import io.dinospark.engine.StudentState;
import io.dinospark.model.CropLayout;

/**
 * The DINO student on libtorch: the network with its AdamW, one update per {@link #fit} on DINO's loss against the
 * teacher's targets. The parameters and moments stay resident, so a worker loads new values into the same tensors
 * every step.
 */
final class TorchStudent extends TorchLearner implements LocalStudent {

    /** Builds the students of one run's configuration. */
    record Spec(DinoConfig config) implements TorchLearner.Spec {

        @Override
        public TorchLearner build(TorchDevice device) {
            return new TorchStudent(config, device);
        }
    }

    private final DinoConfig config;
    private final CropLayout crops;

    TorchStudent(DinoConfig config, TorchDevice device) {
        this(config, new TorchDinoNetwork(config, device));
    }

    private TorchStudent(DinoConfig config, TorchDinoNetwork network) {
        super(network, new TorchAdamW(network.layout(), network.device()));
        this.config = config;
        this.crops = new CropLayout(config.crops().globalSize(), config.crops().localSize());
    }

    @Override
    public Spec key() {
        return new Spec(config);
    }

    @Override
    int views(long width) {
        return crops.views(width);
    }

    /** DINO's loss of the student's logits against the teacher targets. */
    @Override
    Tensor loss(Tensor rows, Tensor keep, Tensor targets) {
        return TorchDinoLoss.loss(network.logits(rows, keep), targets, config.dino().studentTemp());
    }

    /** A copy: libtorch owns the live values. */
    @Override
    public INDArray params() {
        return TorchArrays.vector(network.params());
    }

    @Override
    public StudentState state() {
        return new StudentState(params(), TorchArrays.vector(adamw.state()), adamw.steps());
    }
}
