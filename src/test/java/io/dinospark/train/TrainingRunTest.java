package io.dinospark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dinospark.LocalSpark;
import io.dinospark.TestConfigs;
import io.dinospark.config.ConfigException;
import io.dinospark.config.ConfigLoader;
import io.dinospark.config.DataConfig;
import io.dinospark.config.DinoConfig;
import io.dinospark.config.EvalConfig;
import io.dinospark.config.OptimConfig;
import io.dinospark.config.TrainConfig;
import io.dinospark.data.SyntheticImageSet;

/** A run stopped and restarted in the same output directory resumes exactly where its checkpoint left it. */
class TrainingRunTest {

    @TempDir
    Path dir;

    private DinoConfig config(double lr) throws IOException {
        return config(lr, 2, 2, ConfigLoader.defaults().eval());
    }

    private DinoConfig config(double lr, int checkpointEvery, int keepCheckpoints, EvalConfig eval) throws IOException {
        if (!Files.exists(dir.resolve("images"))) {
            new SyntheticImageSet(3, 1).write(dir.resolve("images").toString(), 8, 0, 0, false);
        }
        DinoConfig c = TestConfigs.tinyVit(2, 0.1, true);
        return new DinoConfig(c.model(), c.crops(), c.dino(), new OptimConfig(lr, 1e-5, 1, 0.04, 0.4, 3.0, 1),
                new TrainConfig(2, 4, 42, 2, 1, checkpointEvery, keepCheckpoints, "stop", "dl4j", ""), c.augment(),
                new DataConfig(dir.resolve("images/train").toString(), "imagenet", "image", "label", "path"), eval);
    }

    @Test
    void aStoppedRunResumesWithItsStateRestoredExactly() throws IOException {
        String output = dir.resolve("run").toString();
        DinoConfig config = config(5e-3);
        SparkDinoTrainer first = TrainingRun.run(LocalSpark.get(), config, output, 4, report -> { });
        Checkpoints.State stopped = first.state(ConfigLoader.render(config));
        assertEquals(4, stopped.nextStep());

        // A crash in the middle of writing leaves a partial checkpoint behind: it is ignored.
        Files.createDirectories(dir.resolve("run/checkpoints/step-0000000006.partial"));
        Checkpoints checkpoints = new Checkpoints(new org.apache.hadoop.fs.Path(output), new Configuration(), 2);
        Checkpoints.State saved = checkpoints.latest().orElseThrow();
        assertEquals(4, saved.nextStep());
        assertEquals(stopped.student().params(), saved.student().params());
        assertEquals(stopped.student().optimizer(), saved.student().optimizer());
        assertEquals(stopped.student().optimizerSteps(), saved.student().optimizerSteps());
        assertEquals(stopped.teacher(), saved.teacher());
        assertEquals(stopped.center(), saved.center());
        try (var kept = Files.list(dir.resolve("run/checkpoints"))) {
            assertEquals(List.of("step-0000000002", "step-0000000004", "step-0000000006.partial"),
                    kept.map(p -> p.getFileName().toString()).sorted().toList());
        }

        List<String> before = Files.readAllLines(dir.resolve("run/metrics.jsonl"));
        List<Long> trained = new java.util.ArrayList<>();
        SparkDinoTrainer resumed = TrainingRun.run(LocalSpark.get(), config, output, 6, report -> trained.add(report.step()));
        assertEquals(6, resumed.nextStep());
        assertEquals(List.of(4L, 5L), trained, "the resumed run trains only the steps after its checkpoint");
        List<String> metrics = Files.readAllLines(dir.resolve("run/metrics.jsonl"));
        assertEquals(before.subList(0, 4), metrics.subList(0, 4), "the lines of the steps before the checkpoint are kept");
        assertEquals(6, metrics.size());
        for (int step = 0; step < 6; step++) {
            assertTrue(metrics.get(step).startsWith("{\"step\":" + step + ","), metrics.get(step));
        }
    }

    @Test
    void aChangedConfigurationCannotResumeAndSaysWhichKeysDiffer() throws IOException {
        String output = dir.resolve("run").toString();
        TrainingRun.run(LocalSpark.get(), config(5e-3), output, 2, report -> { });
        ConfigException e = assertThrows(ConfigException.class,
                () -> TrainingRun.run(LocalSpark.get(), config(1e-3), output, 4, report -> { }));
        assertTrue(e.getMessage().contains("[optim.lr]"), e.getMessage());
    }

    @Test
    void aRunDirectoryLeasedByALiveDriverIsRefusedBeforeAnythingIsWritten() throws IOException {
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.writeString(run.resolve(RunLease.FILE), "{\"host\":\"other-host\",\"pid\":7,\"id\":\"other-driver\","
                + "\"started\":\"" + java.time.Instant.now() + "\",\"renewed\":\"" + java.time.Instant.now() + "\"}");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TrainingRun.run(LocalSpark.get(), config(5e-3), run.toString(), 2, report -> { }));
        assertTrue(e.getMessage().contains("other-host") && e.getMessage().contains("other-driver"), e.getMessage());
        try (var written = Files.list(run)) {
            assertEquals(List.of(RunLease.FILE), written.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void aResumedRunMayChangeHowItIsEvaluatedAndCheckpointed() throws IOException {
        String output = dir.resolve("run").toString();
        TrainingRun.run(LocalSpark.get(), config(5e-3), output, 2, report -> { });
        EvalConfig eval = new EvalConfig(0, "elsewhere/val", 100, 50, 5);
        DinoConfig changed = config(5e-3, 1, 1, eval);
        assertEquals(4, TrainingRun.run(LocalSpark.get(), changed, output, 4, report -> { }).nextStep());
        try (var kept = Files.list(dir.resolve("run/checkpoints"))) {
            assertEquals(List.of("step-0000000004"), kept.map(p -> p.getFileName().toString()).toList(),
                    "the new train.keep_checkpoints = 1 applies");
        }
        assertEquals(changed, ConfigLoader.parseRendered(Files.readString(dir.resolve("run/config.conf"))));

        ConfigException e = assertThrows(ConfigException.class,
                () -> TrainingRun.run(LocalSpark.get(), config(1e-3, 1, 1, eval), output, 6, report -> { }));
        assertTrue(e.getMessage().contains("differs in [optim.lr];"), e.getMessage());
    }
}
