package io.dinospark.cli;

import java.util.concurrent.Callable;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

import io.dinospark.config.DinoConfig;
import io.dinospark.eval.EvalResults;
import io.dinospark.eval.FeatureExtractor;
import io.dinospark.eval.FeatureModel;
import io.dinospark.eval.LabelIndex;
import io.dinospark.eval.LabelledSet;
import io.dinospark.eval.LinearProbe;
import io.dinospark.eval.TrainedRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The linear probe of a run's teacher: a linear layer on frozen features, trained on Spark. */
@Command(name = "linear", mixinStandardHelpOptions = true,
        description = "Train a linear layer on the frozen features of a run's newest teacher (a ViT: the CLS tokens"
                + " of its last --blocks blocks, concatenated), or of imported --weights, and print its val top-1 and"
                + " top-5; writes <run>/eval/linear.json (with --run).")
final class LinearCommand implements Callable<Integer> {

    @Mixin
    EvalOptions options;

    @Option(names = "--blocks", defaultValue = "4", paramLabel = "N",
            description = "ViT: last blocks whose CLS tokens are concatenated, capped at the depth (the reference's 4"
                    + " for ViT-S); the conv backbone has 1. Default: ${DEFAULT-VALUE}.")
    int blocks;

    @Option(names = "--epochs", defaultValue = "100", description = "Training epochs. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--lr", defaultValue = "0.001",
            description = "Peak learning rate per 256 images (scaled by workers x batch / 256; cosine to 0). Default: ${DEFAULT-VALUE}.")
    double lr;

    @Option(names = "--linear-batch-size", defaultValue = "128", paramLabel = "N",
            description = "Minibatch per worker. Default: ${DEFAULT-VALUE}.")
    int linearBatchSize;

    @Option(names = "--workers", defaultValue = "2", description = "Spark tasks training in parallel. Default: ${DEFAULT-VALUE}.")
    int workers;

    @Override
    public Integer call() throws Exception {
        SparkSession spark = SparkSession.builder().appName("dino-spark linear").getOrCreate();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        TrainedRun run = options.source.load(hadoop);
        DinoConfig config = run.config();
        LabelledSet train = LabelledSet.list(spark, run.images(options.train), "train");
        LabelledSet val = LabelledSet.list(spark, run.images(options.val), "val");
        int used = config.model().arch().isVit() ? Math.min(blocks, config.model().depth()) : 1;
        Broadcast<FeatureModel> model = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(run.teacher(used));
        int size = config.crops().globalSize();
        LinearProbe.Accuracy accuracy = LinearProbe.trainAndScore(
                FeatureExtractor.extract(train.images(), size, config.augment(), options.batchSize, model),
                FeatureExtractor.extract(val.images(), size, config.augment(), options.batchSize, model),
                LabelIndex.of(train, val), new LinearProbe.Settings(epochs, lr, linearBatchSize, workers));
        System.out.printf("linear probe of %s at step %d (last %d block(s), %d epochs): top-1 %.2f%%, top-5 %.2f%%%n",
                options.source.describe(), run.step(), used, epochs, 100 * accuracy.top1(), 100 * accuracy.top5());
        if (options.source.runDirectory() != null) {
            var file = EvalResults.writeLinear(options.source.runDirectory(),
                    new EvalResults.Linear(run.step(), accuracy.top1(), accuracy.top5()), hadoop);
            System.out.println("written to " + file);
        }
        return 0;
    }
}
