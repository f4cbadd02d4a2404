package io.dinospark.engine.torch;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.dinospark.engine.Minibatch;
import io.dinospark.engine.StepSettings;
import io.dinospark.engine.StudentState;
import io.dinospark.engine.StudentTrainer;

/**
 * Parameter averaging through Spark itself, for a DINO student or a fine-tuned classifier ({@link TorchLearner}):
 * the parameters and AdamW state are broadcast, each partition (worker) trains its minibatches on an
 * executor-resident network ({@link TorchWorker}), and the workers' results
 * are summed on the executors by a tree reduction before the driver divides by their number, as DL4J's
 * parameter-averaging master does. No parameter server: the driver holds the student between steps.
 */
final class TorchStudentTrainer implements StudentTrainer {

    /** Depth of the executors' sum: two levels keep the driver's fan-in near the square root of the workers. */
    private static final int REDUCE_DEPTH = 2;

    private final JavaSparkContext sc;
    private final TorchLearner.Spec learner;
    /** The student after the last step; replaced, never modified, so a snapshot of it stays valid. */
    private StudentState current;

    TorchStudentTrainer(JavaSparkContext sc, TorchLearner.Spec learner, StudentState start) {
        this.sc = sc;
        this.learner = learner;
        this.current = start.copy();
    }

    @Override
    public double fit(JavaRDD<Minibatch> minibatches, StepSettings settings) {
        Broadcast<StudentState> start = sc.broadcast(current);
        try {
            TorchWorker.Result sum;
            try {
                sum = minibatches.mapPartitionsWithIndex(new TorchWorker(learner, start, settings), false)
                        .treeReduce(TorchWorker.Result::plus, REDUCE_DEPTH);
            } catch (UnsupportedOperationException empty) { // Spark's reduce of no element
                throw new IllegalStateException("step " + settings.step() + " has no minibatch on any worker: all its"
                        + " images were skipped", empty);
            }
            float scale = 1f / sum.workers();
            current = new StudentState(scaled(sum.params(), scale), scaled(sum.optimizer(), scale), sum.optimizerSteps());
            return sum.loss() / sum.workers();
        } finally {
            start.destroy();
        }
    }

    private static INDArray scaled(float[] sum, float scale) {
        for (int i = 0; i < sum.length; i++) {
            sum[i] *= scale;
        }
        return TorchArrays.vector(sum);
    }

    @Override
    public INDArray params() {
        return current.params();
    }

    /** The current student; later steps replace it rather than change it. */
    @Override
    public StudentState state() {
        return current;
    }

    @Override
    public void restore(StudentState state) {
        current = state.copy();
    }
}
