package io.dinospark.train;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import io.dinospark.config.DinoConfig;
import io.dinospark.data.CropRows;
import io.dinospark.data.RunSeeds;
import io.dinospark.engine.Engine;
import io.dinospark.engine.LocalStudent;
import io.dinospark.engine.Minibatch;
import io.dinospark.engine.StepSettings;
import io.dinospark.engine.StudentState;
import io.dinospark.model.CropLayout;
import io.dinospark.teacher.Center;
import io.dinospark.teacher.EmaTeacher;
import io.dinospark.teacher.TeacherState;
import io.dinospark.teacher.TeacherTargets;

/**
 * DINO in one process, step by step as the paper's Algorithm 1: schedules, teacher targets on the global crops,
 * one student update, then the teacher's EMA and the center, once per optimizer step. The Spark job distributes
 * exactly this step; this loop is its reference and its no-Spark baseline, on either engine.
 */
public final class LocalDinoLoop {

    /** What one step did. {@code teacherEntropy} is the mean entropy of the targets (collapse: 0 or ln K). */
    public record StepMetrics(long step, int epoch, double loss, double teacherEntropy, double lr, double weightDecay,
            double teacherMomentum, double teacherTemp) {
    }

    private final DinoConfig config;
    private final Engine engine;
    private final Schedules schedules;
    private final LocalStudent student;
    private final EmaTeacher ema;
    private final Center center;

    public LocalDinoLoop(DinoConfig config, long stepsPerEpoch) {
        this.config = config;
        this.engine = Engine.of(config);
        this.schedules = new Schedules(config.optim(), config.dino(), config.train().epochs(), stepsPerEpoch,
                config.train().batchSizePerWorker());
        StudentState start = StartingStudent.of(engine, config, new org.apache.hadoop.conf.Configuration());
        this.student = engine.localStudent(config, start);
        this.ema = new EmaTeacher(start.params());
        this.center = Center.zeros(config.model().outDim());
    }

    public Schedules schedules() {
        return schedules;
    }

    public StudentState student() {
        return student.state();
    }

    /** The teacher's parameters: a live view. */
    public INDArray teacherParams() {
        return ema.params();
    }

    /** Runs {@code steps} steps from step 0, reporting each to {@code listener}. */
    public List<StepMetrics> run(CropRows data, long steps, Consumer<StepMetrics> listener) {
        List<StepMetrics> history = new ArrayList<>();
        for (long step = 0; step < steps; step++) {
            StepMetrics m = step(step, data.rows(step));
            history.add(m);
            listener.accept(m);
        }
        return history;
    }

    /**
     * One optimizer step on {@code rows} (packed crops of this step's images), as worker 0 of a one-worker Spark
     * run with averaging frequency 1 takes it.
     */
    public StepMetrics step(long step, INDArray rows) {
        double lr = schedules.lr(step);
        double wd = schedules.weightDecay(step);
        double momentum = schedules.teacherMomentum(step);
        double teacherTemp = schedules.teacherTempAtStep(step);

        CropLayout layout = new CropLayout(config.crops().globalSize(), config.crops().localSize());
        INDArray globalCrops = rows.get(NDArrayIndex.all(), NDArrayIndex.interval(0, layout.rowWidth(0)));
        TeacherState state = TeacherState.of(ema.params(), center.value(), teacherTemp);
        INDArray teacherLogits = engine.teacherLogits(config, state, globalCrops);
        INDArray targets = TeacherTargets.probabilities(teacherLogits, center.value(), teacherTemp);

        double loss = student.fit(new Minibatch(rows, targets),
                new StepSettings(step, lr, wd, schedules.lastLayerFrozen(step)),
                RunSeeds.stochasticDepth(config.train().seed(), step, 0, 0));
        if (!Double.isFinite(loss)) {
            throw new NonFiniteLossException(step, loss);
        }
        ema.update(student.params(), momentum);
        long k = config.model().outDim();
        center.update(Center.logitSum(teacherLogits, k), 2L * rows.size(0), config.dino().centerMomentum());
        return new StepMetrics(step, schedules.epoch(step), loss, TeacherTargets.meanEntropy(targets, k), lr, wd,
                momentum, teacherTemp);
    }
}
