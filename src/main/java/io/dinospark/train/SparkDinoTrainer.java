package io.dinospark.train;

import java.util.Optional;
import java.util.function.Consumer;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.SerializableConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dinospark.config.DinoConfig;
import io.dinospark.config.TrainConfig;
import io.dinospark.data.CropRowsReader;
import io.dinospark.data.EpochPlan;
import io.dinospark.data.ImageCatalog;
import io.dinospark.data.ImageRef;
import io.dinospark.data.ImageSource;
import io.dinospark.engine.Engine;
import io.dinospark.engine.Minibatch;
import io.dinospark.engine.StepSettings;
import io.dinospark.engine.StudentState;
import io.dinospark.engine.StudentTrainer;
import io.dinospark.model.CropLayout;
import io.dinospark.teacher.Center;
import io.dinospark.teacher.EmaTeacher;
import io.dinospark.teacher.TeacherState;

/**
 * DINO on Spark, step by step as DESIGN.md section 3: the driver computes the schedules and broadcasts the teacher;
 * executors read and crop their images, run the teacher and build the student's minibatches; the engine
 * ({@code train.engine}) trains the student by parameter averaging; the driver updates the EMA teacher and the
 * center from the step's teacher outputs.
 */
public final class SparkDinoTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(SparkDinoTrainer.class);

    private final DinoConfig config;
    private final JavaSparkContext sc;
    private final ImageCatalog catalog;
    private final Schedules schedules;
    private final StudentTrainer student;
    private final EmaTeacher teacher;
    private final Center center;
    private long nextStep;

    /** A new run: the student initialised, the teacher a copy of it, the center zero. */
    public SparkDinoTrainer(SparkSession spark, DinoConfig config) {
        this(spark, config, Optional.empty());
    }

    /** A run resumed from {@code checkpoint} (student with its AdamW state, teacher, center, next step), or a new one. */
    public SparkDinoTrainer(SparkSession spark, DinoConfig config, Optional<Checkpoints.State> checkpoint) {
        this.config = config;
        this.sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        this.catalog = ImageCatalog.list(spark, ImageSource.of(config.data()));
        this.schedules = Schedules.of(config, catalog.count());
        Engine engine = Engine.of(config);
        StudentState start = checkpoint.map(Checkpoints.State::student)
                .orElseGet(() -> StartingStudent.of(engine, config, spark.sparkContext().hadoopConfiguration()));
        this.student = engine.studentTrainer(sc, config, start);
        this.teacher = new EmaTeacher(checkpoint.map(Checkpoints.State::teacher).orElse(start.params()));
        this.center = checkpoint.map(c -> Center.of(c.center())).orElseGet(() -> Center.zeros(config.model().outDim()));
        this.nextStep = checkpoint.map(Checkpoints.State::nextStep).orElse(0L);
    }

    /** The first step not yet trained. */
    public long nextStep() {
        return nextStep;
    }

    /** Everything a checkpoint needs to resume this run after {@link #nextStep()} - 1. */
    public Checkpoints.State state(String configText) {
        return new Checkpoints.State(nextStep, student.state(), teacher.params(), center.value(), configText);
    }

    public Schedules schedules() {
        return schedules;
    }

    /** The student's parameters (a live view on the driver). */
    public INDArray studentParams() {
        return student.params();
    }

    /** The teacher's parameters (a live view on the driver). */
    public INDArray teacherParams() {
        return teacher.params();
    }

    /** Trains from {@link #nextStep()} up to step {@code untilStep} (at most the schedule's end), reporting each step. */
    public void train(long untilStep, Consumer<StepReport> listener) {
        TrainConfig t = config.train();
        long total = Math.min(untilStep, schedules.totalSteps());
        CropLayout layout = new CropLayout(config.crops().globalSize(), config.crops().localSize());
        CropRowsReader reader = new CropRowsReader(config.crops(), config.augment(), t.seed());
        SerializableConfiguration hadoop = new SerializableConfiguration(sc.hadoopConfiguration());
        double lnK = Math.log(config.model().outDim());
        while (nextStep < total) {
            int epoch = schedules.epoch(nextStep);
            EpochPlan plan = new EpochPlan(catalog, t.workers(), t.batchSizePerWorker() * t.averagingFrequency(), t.seed(), epoch);
            for (long s = nextStep % schedules.stepsPerEpoch(); s < plan.steps() && nextStep < total; s++) {
                sc.setJobGroup("dino-step-" + nextStep, "DINO step " + (nextStep + 1) + "/" + total, false);
                try {
                    StepReport report = step(nextStep, epoch, plan.step(s), layout, reader, hadoop, lnK);
                    nextStep++;
                    listener.accept(report);
                } catch (NonFiniteLossException e) {
                    if (!"skip".equals(t.onNonFinite())) {
                        throw e;
                    }
                    LOG.warn("{} Skipping to the next step's data (train.on_non_finite = skip).", e.getMessage());
                    nextStep++;
                }
            }
            plan.release();
        }
    }

    /**
     * One parameter-averaging round of {@code student}; a round that gives a non-finite loss or parameters is
     * undone, the student put back as it was.
     *
     * @throws NonFiniteLossException after putting it back
     */
    public static double fitOrRestore(StudentTrainer student, JavaRDD<Minibatch> minibatches, StepSettings settings) {
        StudentState before = student.state();
        double loss = student.fit(minibatches, settings);
        if (!Double.isFinite(loss) || !Double.isFinite(student.params().sumNumber().doubleValue())) {
            student.restore(before);
            throw new NonFiniteLossException(settings.step(), loss);
        }
        return loss;
    }

    private StepReport step(long step, int epoch, JavaRDD<ImageRef> images, CropLayout layout,
            CropRowsReader reader, SerializableConfiguration hadoop, double lnK) {
        long start = System.nanoTime();
        double lr = schedules.lr(step);
        double wd = schedules.weightDecay(step);
        double momentum = schedules.teacherMomentum(step);
        double teacherTemp = schedules.teacherTempAtStep(step);
        StepSettings settings = new StepSettings(step, lr, wd, schedules.lastLayerFrozen(step));
        Broadcast<TeacherState> state = sc.broadcast(TeacherState.of(teacher.params().dup(), center.value(), teacherTemp));
        long broadcastDone = System.nanoTime();

        JavaRDD<WorkerStep.Output> work = images.mapPartitions(new WorkerStep(config, reader, layout, step, epoch, state, hadoop))
                .persist(StorageLevel.MEMORY_AND_DISK());
        WorkerStep.Totals totals = work.map(WorkerStep.Output::totals).reduce(WorkerStep.Totals::plus);
        if (totals.globalCrops() == 0) {
            throw new IllegalStateException("step " + step + " has no usable image: all " + totals.skipped()
                    + " were skipped");
        }
        long dataDone = System.nanoTime();

        double loss;
        try {
            loss = fitOrRestore(student, work.flatMap(o -> o.minibatches().iterator()), settings);
        } finally {
            work.unpersist();
            state.destroy();
        }
        long fitDone = System.nanoTime();
        teacher.update(student.params(), momentum);
        center.update(totals.logitSum(), totals.globalCrops(), config.dino().centerMomentum());
        double entropy = totals.entropySum() / totals.globalCrops();
        long end = System.nanoTime();
        if (entropy < 0.1 * lnK || entropy > 0.98 * lnK) {
            LOG.warn("step {}: teacher entropy {} against ln K = {}: collapse is likely", step, entropy, lnK);
        }
        long used = totals.globalCrops() / 2;
        return new StepReport(step, schedules.totalSteps(), epoch, loss, lr, wd, momentum, teacherTemp, entropy, lnK,
                loss - entropy, center.value().norm2Number().doubleValue(), used / ((end - start) / 1e9), used,
                totals.skipped(), (dataDone - broadcastDone) / 1e9,
                (fitDone - dataDone) / 1e9, (end - fitDone) / 1e9, (broadcastDone - start) / 1e9, null, null);
    }
}
