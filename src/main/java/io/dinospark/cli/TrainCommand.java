package io.dinospark.cli;

import java.util.concurrent.Callable;

import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dinospark.config.ConfigLoader;
import io.dinospark.config.DinoConfig;
import io.dinospark.train.RunOutput;
import io.dinospark.train.SparkDinoTrainer;
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

    @Option(names = "--steps", defaultValue = "0", description = "Stop after this many steps (0: the whole schedule).")
    long steps;

    @Override
    public Integer call() throws Exception {
        DinoConfig config = options.load();
        SparkSession spark = SparkSession.builder().appName("dino-spark").getOrCreate();
        LOG.info("resolved configuration:\n{}", ConfigLoader.render(config));
        SparkDinoTrainer trainer = new SparkDinoTrainer(spark, config);
        long total = steps > 0 ? Math.min(steps, trainer.schedules().totalSteps()) : trainer.schedules().totalSteps();
        long start = System.nanoTime();
        try (RunOutput run = new RunOutput(output, config, spark.sparkContext().hadoopConfiguration())) {
            trainer.train(total, report -> {
                run.write(report);
                double elapsed = (System.nanoTime() - start) / 1e9;
                double eta = elapsed / (report.step() + 1) * (total - report.step() - 1);
                LOG.info(String.format("step %d/%d  epoch %d  loss %.4f (ln K %.2f)  teacher entropy %.3f  lr %.2e"
                                + "  %.1f images/s  ETA %.0f s", report.step() + 1, total, report.epoch(), report.loss(),
                        report.lnK(), report.teacherEntropy(), report.lr(), report.imagesPerSecond(), eta));
            });
            System.out.println("results in " + run.directory());
        }
        return 0;
    }
}
