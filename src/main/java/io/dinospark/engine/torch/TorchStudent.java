package io.dinospark.engine.torch;

import java.util.SplittableRandom;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.dinospark.config.DinoConfig;
import io.dinospark.engine.LocalStudent;
import io.dinospark.engine.Minibatch;
import io.dinospark.engine.StepSettings;
import io.dinospark.engine.StudentState;
import io.dinospark.model.CropLayout;

/**
 * The student on libtorch: the network with its AdamW, one update per {@link #fit}. Each update's native tensors
 * live in a {@link PointerScope} and are freed when it ends; the parameters and moments stay resident, so a worker
 * loads new values into the same tensors every step.
 */
final class TorchStudent extends TorchLearner implements LocalStudent {

    /** Builds the students of one run's configuration. */
    record Spec(DinoConfig config) implements TorchLearner.Spec {

        @Override
        public TorchLearner build(TorchDevice device) {
            return new TorchStudent(config, device);
        }

        @Override
        public long seed() {
            return config.train().seed();
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
    public double fit(Minibatch batch, StepSettings settings, long noiseSeed) {
        long size = batch.size();
        long width = batch.rows().size(1);
        float[] rows = TorchArrays.floats(batch.rows());
        float[] targets = TorchArrays.floats(batch.targets());
        float[] keep = TorchDinoNetwork.keepFactors(config, size, crops.views(width), new SplittableRandom(noiseSeed));
        try (PointerScope scope = new PointerScope()) {
            TorchDevice device = network.device();
            Tensor keepFactors = keep == null ? null : TorchArrays.tensor(device, keep, size, keep.length / size);
            Tensor logits = network.logits(TorchArrays.tensor(device, rows, size, width), keepFactors);
            Tensor loss = TorchDinoLoss.loss(logits, TorchArrays.tensor(device, targets, size, targets.length / size),
                    config.dino().studentTemp());
            double value = loss.item_double();
            loss.backward();
            adamw.step(network.parameters(), settings, config.optim().clipGrad());
            return value;
        }
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
