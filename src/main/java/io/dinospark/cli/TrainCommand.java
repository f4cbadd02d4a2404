package io.dinospark.cli;

import java.util.concurrent.Callable;

import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dinospark.config.ConfigLoader;
import io.dinospark.config.DinoConfig;
import io.dinospark.train.SparkDinoTrainer;
import io.dinospark.train.TrainingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Trains DINO on Spark; the master and resources come from spark-submit (or submit/local.sh), never from here. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train DINO on Spark and write the resolved config and metrics.jsonl to the output directory.")
final class TrainCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(TrainCommand.class);

    @Mixin
    ConfigOptions options;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Run directory (any Hadoop FileSystem URI).")
    String output;

    @Option(names = "--steps", defaultValue = "0", description = "Stop before this global step (0: run the whole schedule); a later run with the same --output resumes.")
    long steps;

    @Override
    public Integer call() throws Exception {
        DinoConfig config = options.load();
        SparkSession spark = SparkSession.builder().appName("dino-spark").getOrCreate();
        LOG.info("resolved configuration:\n{}", ConfigLoader.render(config));
        long start = System.nanoTime();
        long[] first = {-1};
        SparkDinoTrainer trainer = TrainingRun.run(spark, config, output, steps, report -> {
            if (first[0] < 0) {
                first[0] = report.step();
            }
            long total = steps > 0 ? steps : report.totalSteps();
            double perStep = (System.nanoTime() - start) / 1e9 / (report.step() - first[0] + 1);
            LOG.info(String.format("step %d/%d  epoch %d  loss %.4f (ln K %.2f)  teacher entropy %.3f  lr %.2e"
                            + "  %.1f images/s  ETA %.0f s%s", report.step() + 1, total, report.epoch(), report.loss(),
                    report.lnK(), report.teacherEntropy(), report.lr(), report.imagesPerSecond(),
                    perStep * (total - report.step() - 1), report.knnTop1() == null ? ""
                            : String.format("  online k-NN top-1 %.1f%%", 100 * report.knnTop1())));
        });
        long total = trainer.schedules().totalSteps();
        System.out.println("results in " + output + (trainer.nextStep() >= total ? " (all " + total + " steps trained)"
                : " (" + trainer.nextStep() + " of " + total + " steps trained; run again to resume)"));
        return 0;
    }
}
