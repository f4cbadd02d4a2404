package io.dinospark.train;

import java.util.Optional;
import java.util.function.Consumer;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.SerializableConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dinospark.config.DinoConfig;
import io.dinospark.config.TrainConfig;
import io.dinospark.data.CropRowsReader;
import io.dinospark.data.EpochPlan;
import io.dinospark.data.ImageCatalog;
import io.dinospark.data.ImageRef;
import io.dinospark.data.ImageSource;
import io.dinospark.model.CropLayout;
import io.dinospark.model.DinoNetwork;
import io.dinospark.teacher.Center;
import io.dinospark.teacher.EmaTeacher;
import io.dinospark.teacher.TeacherState;

/**
 * DINO on Spark, step by step as DESIGN.md section 3: the driver computes the schedules and broadcasts the teacher;
 * executors read and crop their images, run the teacher and build the student's minibatches; DL4J's parameter
 * averaging trains the student; the driver updates the EMA teacher and the center from the step's teacher outputs.
 */
public final class SparkDinoTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(SparkDinoTrainer.class);

    private final DinoConfig config;
    private final JavaSparkContext sc;
    private final ImageCatalog catalog;
    private final Schedules schedules;
    private final SparkDl4jMultiLayer student;
    private final EmaTeacher teacher;
    private final Center center;
    private long nextStep;

    /** A new run: the student initialised, the teacher a copy of it, the center zero. */
    public SparkDinoTrainer(SparkSession spark, DinoConfig config) {
        this(spark, config, Optional.empty());
    }

    /** A run resumed from {@code checkpoint} (student with its updater state, teacher, center, next step), or a new one. */
    public SparkDinoTrainer(SparkSession spark, DinoConfig config, Optional<Checkpoints.State> checkpoint) {
        this.config = config;
        this.sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        this.catalog = ImageCatalog.list(spark, ImageSource.of(config.data()));
        TrainConfig t = config.train();
        long stepsPerEpoch = catalog.count() / t.imagesPerStep();
        if (stepsPerEpoch == 0) {
            throw new IllegalArgumentException(config.data().root() + " holds " + catalog.count() + " images, fewer"
                    + " than one step's " + t.imagesPerStep() + " (train.workers x train.batch_size_per_worker x"
                    + " train.averaging_frequency)");
        }
        this.schedules = new Schedules(config.optim(), config.dino(), t.epochs(), stepsPerEpoch, t.imagesPerStep());
        ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(t.workers(), t.batchSizePerWorker())
                .batchSizePerWorker(t.batchSizePerWorker())
                .averagingFrequency(t.averagingFrequency())
                .workerPrefetchNumBatches(0)
                .saveUpdater(true) // AdamW's moments are averaged with the parameters
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .repartionData(Repartition.Never) // the epoch plan already gives one partition per worker
                .storageLevel(null)
                .build();
        this.student = new SparkDl4jMultiLayer(sc, checkpoint.map(Checkpoints.State::student)
                .orElseGet(() -> DinoNetwork.create(config)), master);
        this.teacher = new EmaTeacher(checkpoint.map(Checkpoints.State::teacher).orElse(student.getNetwork().params()));
        this.center = checkpoint.map(c -> Center.of(c.center())).orElseGet(() -> Center.zeros(config.model().outDim()));
        this.nextStep = checkpoint.map(Checkpoints.State::nextStep).orElse(0L);
    }

    /** The first step not yet trained. */
    public long nextStep() {
        return nextStep;
    }

    /** Everything a checkpoint needs to resume this run after {@link #nextStep()} - 1. */
    public Checkpoints.State state(String configText) {
        return new Checkpoints.State(nextStep, studentNetwork(), teacher.params(), center.value(), configText);
    }

    public Schedules schedules() {
        return schedules;
    }

    public MultiLayerNetwork studentNetwork() {
        return student.getNetwork();
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
        Broadcast<String> networkJson = sc.broadcast(studentNetwork().getLayerWiseConfigurations().toJson());
        double lnK = Math.log(config.model().outDim());
        while (nextStep < total) {
            int epoch = schedules.epoch(nextStep);
            EpochPlan plan = new EpochPlan(catalog, t.workers(), t.batchSizePerWorker() * t.averagingFrequency(), t.seed(), epoch);
            for (long s = nextStep % schedules.stepsPerEpoch(); s < plan.steps() && nextStep < total; s++) {
                sc.setJobGroup("dino-step-" + nextStep, "DINO step " + (nextStep + 1) + "/" + total, false);
                try {
                    StepReport report = step(nextStep, epoch, plan.step(s), layout, reader, hadoop, networkJson, lnK);
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
        networkJson.destroy();
    }

    private StepReport step(long step, int epoch, JavaRDD<ImageRef> images, CropLayout layout,
            CropRowsReader reader, SerializableConfiguration hadoop, Broadcast<String> networkJson, double lnK) {
        long start = System.nanoTime();
        double lr = schedules.lr(step);
        double wd = schedules.weightDecay(step);
        double momentum = schedules.teacherMomentum(step);
        double teacherTemp = schedules.teacherTempAtStep(step);
        MultiLayerNetwork net = studentNetwork();
        OptimizerSettings.apply(net, lr, wd, schedules.lastLayerFrozen(step));
        Broadcast<TeacherState> state = sc.broadcast(new TeacherState(step, teacher.params().dup(), center.value(), teacherTemp));
        long broadcastDone = System.nanoTime();

        JavaRDD<WorkerStep.Output> work = images.mapPartitions(new WorkerStep(reader, layout,
                config.train().batchSizePerWorker(), epoch, config.model().outDim(), networkJson, state, hadoop))
                .persist(StorageLevel.MEMORY_AND_DISK());
        WorkerStep.Totals totals = work.map(WorkerStep.Output::totals).reduce(WorkerStep.Totals::plus);
        if (totals.globalCrops() == 0) {
            throw new IllegalStateException("step " + step + " has no usable image: all " + totals.skipped()
                    + " were skipped");
        }
        long dataDone = System.nanoTime();

        INDArray paramsBefore = net.params().dup();
        INDArray updaterBefore = net.getUpdater().getStateViewArray().dup();
        JavaRDD<DataSet> minibatches = work.flatMap(o -> o.minibatches().iterator());
        student.fit(minibatches);
        double loss = student.getScore();
        long fitDone = System.nanoTime();
        work.unpersist();
        state.destroy();

        if (!Double.isFinite(loss) || !Double.isFinite(net.params().sumNumber().doubleValue())) {
            net.setParams(paramsBefore);
            net.getUpdater().getStateViewArray().assign(updaterBefore);
            throw new NonFiniteLossException(step, loss);
        }
        teacher.update(net.params(), momentum);
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
