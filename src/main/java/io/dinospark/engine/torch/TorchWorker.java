package io.dinospark.engine.torch;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;

import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

import io.dinospark.data.RunSeeds;
import io.dinospark.engine.Minibatch;
import io.dinospark.engine.StepSettings;
import io.dinospark.engine.StudentState;

/**
 * One worker's step on its executor: the resident learner (a DINO student, a classifier) loads the broadcast
 * parameters and AdamW state, trains on the partition's minibatches in order, and returns its parameters and
 * moments for averaging. A worker without minibatches returns nothing, so it does not dilute the average.
 */
final class TorchWorker implements Function2<Integer, Iterator<Minibatch>, Iterator<TorchWorker.Result>> {

    /**
     * What workers sum on the executors and the driver averages: parameters and AdamW moments (sums over
     * {@code workers}), the largest update count, and the summed loss of each worker's last minibatch.
     */
    record Result(float[] params, float[] optimizer, long optimizerSteps, double loss, int workers)
            implements Serializable {

        /**
         * This partial sum plus {@code other}, added into this one's arrays: in the tree reduction each result is
         * a task's own (deserialized) output or a partial sum, used once, so no copy of its 3P floats is needed.
         */
        Result plus(Result other) {
            for (int i = 0; i < params.length; i++) {
                params[i] += other.params[i];
            }
            for (int i = 0; i < optimizer.length; i++) {
                optimizer[i] += other.optimizer[i];
            }
            return new Result(params, optimizer, Math.max(optimizerSteps, other.optimizerSteps), loss + other.loss,
                    workers + other.workers);
        }
    }

    private final TorchLearner.Spec learner;
    private final Broadcast<StudentState> start;
    private final StepSettings settings;

    TorchWorker(TorchLearner.Spec learner, Broadcast<StudentState> start, StepSettings settings) {
        this.learner = learner;
        this.start = start;
        this.settings = settings;
    }

    @Override
    public Iterator<Result> call(Integer worker, Iterator<Minibatch> minibatches) {
        if (!minibatches.hasNext()) {
            return List.<Result>of().iterator();
        }
        TorchLearner student = TorchExecutor.LEARNERS.borrow(learner);
        try {
            student.load(start.value());
            double loss = Double.NaN;
            for (int i = 0; minibatches.hasNext(); i++) {
                try {
                    loss = student.fit(minibatches.next(), settings,
                            RunSeeds.stochasticDepth(learner.seed(), settings.step(), worker, i));
                } catch (RuntimeException e) {
                    throw new IllegalStateException("step " + settings.step() + ", worker " + worker + ", minibatch "
                            + i + ": " + e.getMessage(), e);
                }
            }
            return List.of(new Result(student.paramValues(), student.optimizerValues(), student.optimizerSteps(),
                    loss, 1)).iterator();
        } finally {
            TorchExecutor.LEARNERS.release(student);
        }
    }
}
