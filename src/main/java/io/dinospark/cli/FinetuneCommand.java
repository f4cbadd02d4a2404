package io.dinospark.cli;

import io.dinospark.config.ConfigLoader;
import io.dinospark.config.DinoConfig;
import io.dinospark.eval.EvalResults;
import io.dinospark.eval.FeatureModel;
import io.dinospark.eval.TrainedRun;
import io.dinospark.finetune.FineTuning;
import com.typesafe.config.ConfigUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Fine-tunes a run's teacher backbone, and the random-init one beside it, with labels on Spark. */
@Command(name = "finetune", mixinStandardHelpOptions = true,
        description = "Fine-tune a run's newest teacher backbone (or imported --weights) with a linear classifier end"
                + " to end on labelled --train images by parameter averaging, the random-init backbone beside it with"
                + " the same recipe, and print each one's val top-1 and top-5; writes <run>/eval/finetune.json (with"
                + " --run) and each fine-tuned run under OUT/<start>/, which knn and features read as a run.")
final class FinetuneCommand implements Callable<Integer> {

    /**
     * The recipe's defaults, over the run's configuration (its engine too) and under the user's overrides: DeiT's
     * AdamW (5e-4 per 512 images, weight decay 0.05 without a schedule), warmup then cosine, no online k-NN. A small
     * backbone on a small set wants far more (README, "Measured: fine-tuning").
     */
    static final List<String> RECIPE = List.of("train.epochs=10", "optim.lr=2.5e-4",
            "optim.min_lr=1e-6", "optim.warmup_epochs=1", "optim.weight_decay=0.05", "optim.weight_decay_end=0.05",
            "optim.freeze_last_layer_epochs=0", "dino.warmup_teacher_temp_epochs=0", "eval.knn_every=0");

    @Mixin
    EvalOptions options;

    @Option(names = "--output", required = true, paramLabel = "OUT",
            description = "Where the fine-tuned runs go, one directory per --start (any Hadoop FileSystem URI); a run"
                    + " there with the same settings is resumed.")
    String output;

    @Option(names = "--start", split = ",", defaultValue = "teacher,random-init", paramLabel = "NAME",
            description = "The backbones to fine-tune, in turn: teacher (the run's), random-init (the network a new run"
                    + " of its configuration starts from). Default: ${DEFAULT-VALUE}.")
    List<String> starts;

    @Option(names = "--label-smoothing", defaultValue = "0.1", paramLabel = "E",
            description = "The targets' share spread over all classes (DeiT's 0.1). Default: ${DEFAULT-VALUE}.")
    double labelSmoothing;

    @Option(names = "--backbone-lr-scale", defaultValue = "0.1", paramLabel = "S",
            description = "The backbone's learning rate as a fraction of the classifier's, in [0, 1]."
                    + " Default: ${DEFAULT-VALUE}.")
    double backboneLrScale;

    @Option(names = "--steps", defaultValue = "0",
            description = "Stop each fine-tuning before this step (0: the whole schedule); a later run resumes.")
    long steps;

    @Parameters(paramLabel = "key=value",
            description = "Overrides of the recipe, e.g. train.epochs=20 optim.lr=1e-3 train.batch_size_per_worker=64"
                    + " (defaults: train.epochs=10, optim.lr=2.5e-4 per 256 images (DeiT's 5e-4 per 512), optim.min_lr=1e-6,"
                    + " optim.warmup_epochs=1, optim.weight_decay=0.05; the rest is the run's).")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        SparkSession spark = SparkSession.builder().appName("dino-spark finetune").getOrCreate();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        TrainedRun run = options.source.load(hadoop);
        List<String> settings = new ArrayList<>(RECIPE);
        settings.add("data.root=" + ConfigUtil.quoteString(run.images(options.train).root()));
        settings.addAll(overrides);
        DinoConfig config = ConfigLoader.withOverrides(run.config(), settings);
        List<FeatureModel> backbones = starts.stream().map(run::features).toList();
        if (backbones.stream().anyMatch(FeatureModel::isRawPixels)) {
            throw new IllegalArgumentException("--start " + FeatureModel.RAW_PIXELS + " has no backbone to fine-tune;"
                    + " the starts are " + FeatureModel.TEACHER + " and " + FeatureModel.RANDOM_INIT);
        }
        FineTuning.Recipe recipe = new FineTuning.Recipe(labelSmoothing, backboneLrScale);
        List<EvalResults.FinetuneRow> rows = new ArrayList<>();
        for (FeatureModel backbone : backbones) {
            String directory = new Path(output, backbone.name()).toString();
            FineTuning.Outcome outcome = FineTuning.run(spark, config, recipe, new FineTuning.Start(backbone.name(),
                    options.source.describe(), run.step(), backbone.params()), run.images(options.val), directory,
                    steps, options.batchSize);
            System.out.printf("fine-tuned %s of %s at step %d (%d of %d steps, %.0f s): top-1 %.2f%%, top-5 %.2f%%"
                            + " -> %s%n", backbone.name(), options.source.describe(), run.step(), outcome.steps(),
                    outcome.totalSteps(), outcome.seconds(), 100 * outcome.top1(), 100 * outcome.top5(), directory);
            rows.add(new EvalResults.FinetuneRow(backbone.name(), outcome.top1(), outcome.top5(), outcome.steps(),
                    outcome.seconds(), directory));
        }
        if (options.source.runDirectory() != null) {
            var file = EvalResults.writeFinetune(options.source.runDirectory(), new EvalResults.Finetune(run.step(),
                    config.data().root(), run.images(options.val).root(), rows), hadoop);
            System.out.println("written to " + file);
        }
        return 0;
    }
}
