package io.dinospark.finetune;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dinospark.config.ConfigException;
import io.dinospark.config.ConfigLoader;
import io.dinospark.config.DinoConfig;
import io.dinospark.config.TrainConfig;
import io.dinospark.data.EpochPlan;
import io.dinospark.data.ImageCatalog;
import io.dinospark.data.ImageRef;
import io.dinospark.data.ImageSource;
import io.dinospark.engine.Classifier;
import io.dinospark.engine.Engine;
import io.dinospark.engine.Minibatch;
import io.dinospark.engine.StepSettings;
import io.dinospark.engine.StudentState;
import io.dinospark.engine.StudentTrainer;
import io.dinospark.eval.FeatureExtractor;
import io.dinospark.eval.FeatureModel;
import io.dinospark.eval.ImageFeature;
import io.dinospark.eval.LabelIndex;
import io.dinospark.eval.LabelledSet;
import io.dinospark.eval.LinearProbe;
import io.dinospark.model.DinoNetwork;
import io.dinospark.model.ParameterLayout;
import io.dinospark.train.Checkpoints;
import io.dinospark.train.SparkDinoTrainer;
import io.dinospark.train.RunLease;
import io.dinospark.train.Schedules;
import io.dinospark.train.TrainingRun;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The paper's transfer experiment: a backbone and a linear classifier on its feature ({@link Classifier}) trained
 * end to end with labels by the engine's parameter averaging over Spark, as DINO's student is. Each step every
 * worker trains on its share of the step's images ({@link LabelledMinibatches}: a random resized crop and flip,
 * label-smoothed targets) from the broadcast parameters and AdamW moments, and the driver averages them. The
 * configuration's {@code optim} and {@code train} sections are the recipe (the learning rate's warmup and cosine,
 * the weight decay, clipping, epochs, workers and batch), {@link Recipe} the rest. A run directory holds its
 * checkpoints (the classifier, {@link Checkpoints.State#classifier}; {@code knn} and {@code features} read its
 * backbone as they read a teacher) and {@code finetune.json} (the recipe, the starting backbone and the classes),
 * and resumes from its newest checkpoint when both agree.
 */
public final class FineTuning {

    private static final Logger LOG = LoggerFactory.getLogger(FineTuning.class);
    private static final String PLAN_FILE = "finetune.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What fine-tuning takes beyond the configuration.
     *
     * @param labelSmoothing  the targets' share spread over all classes, in [0, 1)
     * @param backboneLrScale the backbone's learning rate relative to the classifier's, in [0, 1]
     */
    public record Recipe(double labelSmoothing, double backboneLrScale) {

        public Recipe {
            if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
                throw new IllegalArgumentException("label smoothing must be in [0, 1), got " + labelSmoothing);
            }
        }
    }

    /**
     * The backbone fine-tuning starts from.
     *
     * @param name       what it is: {@code teacher}, {@code random-init}
     * @param source     the run (or file) it comes from
     * @param sourceStep the step it was trained to
     * @param params     its flat parameters ({@link FeatureModel#params})
     */
    public record Start(String name, String source, long sourceStep, INDArray params) {
    }

    /** What a run directory's {@code finetune.json} records; a resumed run must agree with it. */
    record Plan(String start, String source, long sourceStep, Recipe recipe, List<String> classes) {
    }

    /** A finished (or stopped) fine-tuning: steps trained of the schedule's, and top-1/top-5 on the val set. */
    public record Outcome(long steps, long totalSteps, double top1, double top5, double seconds) {
    }

    private FineTuning() {
    }

    /**
     * Fine-tunes from {@code start} into {@code output}, or resumes the run there, up to step {@code untilStep} (0:
     * the whole schedule), then scores it on {@code val}, extracting features {@code featureBatch} at a time.
     *
     * @param config the recipe: the backbone's architecture, {@code optim}, {@code train}, {@code data} (the
     *               labelled training images), {@code crops.global_size} and {@code augment} (the views)
     */
    public static Outcome run(SparkSession spark, DinoConfig config, Recipe recipe, Start start, ImageSource val,
            String output, long untilStep, int featureBatch) throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ImageSource train = ImageSource.of(config.data());
        ImageCatalog catalog = ImageCatalog.list(spark, train);
        LabelledSet.requireLabels(catalog, train, "fine-tuning train");
        LabelledSet valSet = LabelledSet.list(spark, val, "fine-tuning val");
        TreeSet<String> names = new TreeSet<>(catalog.images().map(ImageRef::label).distinct().collect());
        names.addAll(valSet.classes());
        LabelIndex labels = new LabelIndex(List.copyOf(names));
        Plan plan = new Plan(start.name(), start.source(), start.sourceStep(), recipe, List.copyOf(names));
        Classifier classifier = new Classifier(config, labels.size(), recipe.backboneLrScale());
        long begin = System.nanoTime();
        try (RunLease lease = new RunLease(new Path(output), hadoop)) {
            String configText = ConfigLoader.render(config);
            Checkpoints checkpoints = new Checkpoints(new Path(output), hadoop, config.train().keepCheckpoints());
            Optional<Checkpoints.State> resume = resumable(checkpoints, plan, config, output, hadoop);
            StudentState first = resume.map(Checkpoints.State::student)
                    .orElseGet(() -> initial(classifier, start.params()));
            StudentTrainer trainer = Engine.of(config).classifierTrainer(sc, classifier, first);
            TrainConfig t = config.train();
            Schedules schedules = Schedules.of(config, catalog.count());
            long stepsPerEpoch = schedules.stepsPerEpoch();
            long total = schedules.totalSteps();
            long until = untilStep > 0 ? Math.min(untilStep, total) : total;
            long step = resume.map(Checkpoints.State::nextStep).orElse(0L);
            SerializableConfiguration conf = new SerializableConfiguration(hadoop);
            while (step < until) {
                int epoch = schedules.epoch(step);
                EpochPlan order = new EpochPlan(catalog, t.workers(), t.batchSizePerWorker() * t.averagingFrequency(),
                        t.seed(), epoch);
                LabelledMinibatches views = new LabelledMinibatches(config, labels, recipe.labelSmoothing(), epoch, conf);
                for (long s = step % stepsPerEpoch; s < order.steps() && step < until; s++, step++) {
                    long stepStart = System.nanoTime();
                    sc.setJobGroup("finetune-" + start.name() + "-step-" + step, "fine-tuning " + start.name() + ": step "
                            + (step + 1) + "/" + until, false);
                    JavaRDD<Minibatch> minibatches = order.step(s).mapPartitions(views);
                    StepSettings settings = new StepSettings(step, schedules.lr(step), schedules.weightDecay(step), false);
                    double loss = SparkDinoTrainer.fitOrRestore(trainer, minibatches, settings);
                    LOG.info(String.format("fine-tuning %s: step %d/%d  epoch %d  loss %.4f  lr %.2e  %.0f images/s",
                            start.name(), step + 1, until, epoch, loss, settings.lr(),
                            t.imagesPerStep() / ((System.nanoTime() - stepStart) / 1e9)));
                    if ((step + 1) % stepsPerEpoch == 0 && step + 1 < until) {
                        save(checkpoints, trainer, step + 1, configText, labels.size(), lease);
                    }
                }
                order.release();
            }
            save(checkpoints, trainer, step, configText, labels.size(), lease);
            LinearProbe.Accuracy accuracy = score(sc, classifier, trainer.params(), valSet, labels, featureBatch);
            LOG.info(String.format("fine-tuning %s: step %d of %d, val top-1 %.2f%%, top-5 %.2f%% (%d images)",
                    start.name(), step, total, 100 * accuracy.top1(), 100 * accuracy.top5(), valSet.count()));
            return new Outcome(step, total, accuracy.top1(), accuracy.top5(), (System.nanoTime() - begin) / 1e9);
        } finally {
            catalog.release();
        }
    }

    /** The newest checkpoint of {@code output} if its plan and configuration agree with this run's. */
    private static Optional<Checkpoints.State> resumable(Checkpoints checkpoints, Plan plan, DinoConfig config,
            String output, Configuration hadoop) throws IOException {
        Path planFile = new Path(output, PLAN_FILE);
        FileSystem fs = planFile.getFileSystem(hadoop);
        Optional<Checkpoints.State> resume = checkpoints.latest();
        if (resume.isEmpty()) {
            fs.mkdirs(planFile.getParent());
            try (OutputStream out = fs.create(planFile, true)) {
                JSON.writerWithDefaultPrettyPrinter().writeValue(out, plan);
            }
            return resume;
        }
        Plan saved;
        try (InputStream in = fs.open(planFile)) {
            saved = JSON.readValue(in, Plan.class);
        } catch (IOException e) {
            throw new IOException("cannot resume the fine-tuning in " + output + ": its " + PLAN_FILE
                    + " cannot be read (" + e.getMessage() + ")", e);
        }
        if (!saved.equals(plan)) {
            throw new ConfigException("cannot resume the fine-tuning in " + output + ": it was started as "
                    + JSON.writeValueAsString(saved) + ", this run is " + JSON.writeValueAsString(plan)
                    + "; use its settings or another output directory");
        }
        TrainingRun.requireResumable(resume.get(), config, "the fine-tuning", output);
        if (resume.get().classes() != plan.classes().size()) {
            throw new IOException("the checkpoint in " + output + " is not a classifier of " + plan.classes().size()
                    + " classes");
        }
        return resume;
    }

    /** {@code backbone}'s parameters, then the initial classifier's ({@link DinoNetwork#initialClassifier}), AdamW at 0. */
    private static StudentState initial(Classifier classifier, INDArray backbone) {
        ParameterLayout layout = classifier.layout();
        long backboneLength = layout.length(DinoNetwork.BACKBONE);
        if (backbone.length() != backboneLength) {
            throw new IllegalArgumentException("a backbone of " + backbone.length() + " parameters does not fit this"
                    + " configuration's, which has " + backboneLength);
        }
        INDArray params = DinoNetwork.initialClassifier(classifier.config(), classifier.classes()).reshape(layout.size());
        params.get(NDArrayIndex.interval(0, backboneLength)).assign(backbone.reshape(backboneLength));
        return new StudentState(params, Nd4j.zeros(DataType.FLOAT, 2 * layout.size()), 0);
    }

    private static void save(Checkpoints checkpoints, StudentTrainer trainer, long nextStep, String configText,
            int classes, RunLease lease) throws IOException {
        lease.check();
        LOG.info("checkpoint {}", checkpoints.save(Checkpoints.State.classifier(nextStep, trainer.state(), configText,
                classes)));
    }

    /** Top-1 and top-5 of the classifier with {@code params} on {@code val}: its backbone's features, its layer. */
    private static LinearProbe.Accuracy score(JavaSparkContext sc, Classifier classifier, INDArray params,
            LabelledSet val, LabelIndex labels, int batch) {
        DinoConfig config = classifier.config();
        ParameterLayout layout = classifier.layout();
        Broadcast<FeatureModel> model = sc.broadcast(FeatureModel.backbone("fine-tuned", config, params, 1));
        try {
            JavaRDD<ImageFeature> features = FeatureExtractor.extract(val.images(), config.crops().globalSize(),
                    config.augment(), batch, model);
            return LinearProbe.score(features, slice(params, layout.entry(ParameterLayout.CLASSIFIER, "W")),
                    slice(params, layout.entry(ParameterLayout.CLASSIFIER, "b")), labels);
        } finally {
            model.destroy();
        }
    }

    private static INDArray slice(INDArray params, ParameterLayout.Entry e) {
        return params.reshape(params.length()).get(NDArrayIndex.interval(e.offset(), e.offset() + e.length()))
                .dup().reshape(e.shape());
    }
}
