package io.dinospark.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dinospark.config.ConfigException;
import io.dinospark.config.ConfigLoader;
import io.dinospark.config.DinoConfig;
import io.dinospark.eval.KnnEvaluation;
import io.dinospark.eval.OnlineKnn;

/**
 * A training run in its output directory: starts fresh, or resumes from the directory's latest checkpoint when
 * the configuration is the same; writes metrics and checkpoints (every {@code train.checkpoint_every} steps, or
 * once per epoch, and at the end), while it holds the directory's {@link RunLease}.
 */
public final class TrainingRun {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);

    private TrainingRun() {
    }

    /**
     * @param steps stop after this global step (0: the whole schedule)
     * @return the trainer, at the step it stopped
     */
    public static SparkDinoTrainer run(SparkSession spark, DinoConfig config, String output, long steps,
            Consumer<StepReport> progress) throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        try (RunLease lease = new RunLease(new Path(output), hadoop)) {
            return run(spark, config, output, steps, progress, hadoop, lease);
        }
    }

    private static SparkDinoTrainer run(SparkSession spark, DinoConfig config, String output, long steps,
            Consumer<StepReport> progress, Configuration hadoop, RunLease lease) throws IOException {
        String configText = ConfigLoader.render(config);
        Checkpoints checkpoints = new Checkpoints(new Path(output), hadoop, config.train().keepCheckpoints());
        Optional<Checkpoints.State> resume = checkpoints.latest();
        if (resume.isPresent()) {
            requireResumable(resume.get(), config, "the run", output);
        }
        SparkDinoTrainer trainer = new SparkDinoTrainer(spark, config, resume);
        OnlineKnn knn = config.eval().knnEvery() > 0 ? OnlineKnn.create(spark, config) : null;
        long total = trainer.schedules().totalSteps();
        long until = steps > 0 ? Math.min(steps, total) : total;
        long every = config.train().checkpointEvery() > 0 ? config.train().checkpointEvery() : trainer.schedules().stepsPerEpoch();
        try (RunOutput run = new RunOutput(output, config, hadoop, trainer.nextStep())) {
            trainer.train(until, stepReport -> {
                StepReport report = stepReport;
                if (knn != null && knn.due(trainer.nextStep())) {
                    KnnEvaluation.Row accuracy = knn.evaluate(trainer.teacherParams());
                    report = report.withKnn(accuracy.top1(), accuracy.top5());
                }
                lease.check();
                run.write(report);
                progress.accept(report);
                if (trainer.nextStep() % every == 0 && trainer.nextStep() < until) {
                    save(checkpoints, trainer, configText, lease);
                }
            });
        }
        save(checkpoints, trainer, configText, lease);
        return trainer;
    }

    /**
     * Refuses to resume {@code what} (a run, a fine-tuning) in {@code output} from {@code checkpoint} with a
     * configuration that changes what it trains ({@link ConfigLoader#RESUMABLE_KEYS} may change); logs the changes
     * it takes.
     *
     * @throws ConfigException naming the keys that differ
     */
    public static void requireResumable(Checkpoints.State checkpoint, DinoConfig config, String what, String output) {
        List<ConfigLoader.KeyChange> changes = ConfigLoader.differingKeys(checkpoint.config(), config);
        List<String> refused = changes.stream()
                .filter(change -> !change.resumable())
                .map(ConfigLoader.KeyChange::key)
                .toList();
        if (!refused.isEmpty()) {
            throw new ConfigException("cannot resume " + what + " in " + output + ": its configuration differs in "
                    + refused + "; use its settings (its checkpoint's config.conf) or another output directory");
        }
        changes.forEach(change -> LOG.warn("resuming {} in {} with {} changed from {} to {}", what, output,
                change.key(), change.before(), change.after()));
        LOG.info("resuming {} in {} at step {}", what, output, checkpoint.nextStep());
    }

    private static void save(Checkpoints checkpoints, SparkDinoTrainer trainer, String configText, RunLease lease) {
        lease.check();
        try {
            LOG.info("checkpoint {}", checkpoints.save(trainer.state(configText)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a checkpoint at step " + trainer.nextStep(), e);
        }
    }
}
