package io.dinospark.engine.torch;

import io.dinospark.config.DinoConfig;
import io.dinospark.engine.Minibatch;
import io.dinospark.engine.StepSettings;
import io.dinospark.engine.StudentState;
import java.io.Serializable;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;

/**
 * What a torch worker trains on its executor ({@link TorchWorker}): a resident network with its AdamW, which loads
 * the broadcast parameters and moments, takes one update per minibatch ({@link #fit}: forward with stochastic depth,
 * the learner's {@link #loss}, backward, the reference's clipping and AdamW) and gives its values back for
 * averaging. Each update's native tensors live in a {@link PointerScope} and are freed when it ends.
 */
abstract class TorchLearner implements TorchExecutor.Resident<TorchLearner.Spec> {

    /** What a learner is built from; learners of equal specs stand in for each other. */
    interface Spec extends Serializable {

        TorchLearner build(TorchDevice device);

        /** The configuration of the run it trains for. */
        DinoConfig config();

        /** The run seed its stochastic-depth noise derives from. */
        default long seed() {
            return config().train().seed();
        }
    }

    protected final TorchDinoNetwork network;
    protected final TorchAdamW adamw;

    TorchLearner(TorchDinoNetwork network, TorchAdamW adamw) {
        this.network = network;
        this.adamw = adamw;
    }

    /** The views in a row of {@code width} values: the crops that get stochastic-depth noise of their own. */
    abstract int views(long width);

    /**
     * The minibatch's loss as a scalar tensor, differentiable in the parameters. Called inside the update's
     * {@link PointerScope}.
     *
     * @param keep stochastic-depth keep factors {@code [B, views * depth * 2]}, or null for none
     */
    abstract Tensor loss(Tensor rows, Tensor keep, Tensor targets);

    /**
     * One optimizer update on {@code batch}.
     *
     * @param noiseSeed the seed of this update's stochastic depth
     * @return the minibatch's loss before the update
     */
    public final double fit(Minibatch batch, StepSettings settings, long noiseSeed) {
        DinoConfig config = key().config();
        long size = batch.size();
        long width = batch.rows().size(1);
        float[] rows = TorchArrays.floats(batch.rows());
        float[] targets = TorchArrays.floats(batch.targets());
        float[] keep = TorchDinoNetwork.keepFactors(config, size, views(width), new SplittableRandom(noiseSeed));
        try (PointerScope scope = new PointerScope()) {
            TorchDevice device = network.device();
            Tensor keepFactors = keep == null ? null : TorchArrays.tensor(device, keep, size, keep.length / size);
            Tensor loss = loss(TorchArrays.tensor(device, rows, size, width), keepFactors,
                    TorchArrays.tensor(device, targets, size, targets.length / size));
            double value = loss.item_double();
            loss.backward();
            adamw.step(network.parameters(), settings, config.optim().clipGrad());
            return value;
        }
    }

    @Override
    public TorchDevice device() {
        return network.device();
    }

    void load(StudentState state) {
        network.load(TorchArrays.floats(state.params()));
        adamw.load(TorchArrays.floats(state.optimizer()), state.optimizerSteps());
    }

    float[] paramValues() {
        return network.params();
    }

    float[] optimizerValues() {
        return adamw.state();
    }

    long optimizerSteps() {
        return adamw.steps();
    }

    @Override
    public void close() {
        network.close();
        adamw.close();
    }
}
