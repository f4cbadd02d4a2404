package io.dinospark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dinospark.TestConfigs;
import io.dinospark.config.DinoConfig;

/** metrics.jsonl can be watched while a run goes: each step's line is in the file as soon as the step ends. */
class RunOutputTest {

    @TempDir
    Path dir;

    private static StepReport step(long step) {
        return new StepReport(step, 10, 0, 2.5, 1e-4, 0.04, 0.996, 0.04, 1.2, 3.0, 1.3, 0.1, 40.0, 8, 0, 0.1, 0.2, 0.01, 0.01);
    }

    private List<String> linesOnDisk() throws IOException {
        return Files.readAllLines(dir.resolve("run").resolve(RunOutput.METRICS_FILE));
    }

    @Test
    void eachStepsLineIsOnLocalDiskBeforeTheRunEndsAndSurvivesAResume() throws IOException {
        DinoConfig config = TestConfigs.tinyConv(2);
        String run = dir.resolve("run").toString();
        try (RunOutput out = new RunOutput(run, config, new Configuration(), 0)) {
            out.write(step(0));
            assertEquals(1, linesOnDisk().size(), "lines readable while the run goes on");
            out.write(step(1));
            assertEquals(2, linesOnDisk().size(), "lines readable while the run goes on");
        }
        // A resume at step 1 keeps step 0 (read back through Hadoop: no stale checksum in the way) and drops step 1.
        try (RunOutput out = new RunOutput(run, config, new Configuration(), 1)) {
            assertEquals(1, linesOnDisk().size());
            out.write(step(1));
            List<String> lines = linesOnDisk();
            assertEquals(2, lines.size());
            assertTrue(lines.get(1).startsWith("{\"step\":1,"), lines.get(1));
        }
        try (RunOutput out = new RunOutput(run, config, new Configuration(), 2)) {
            assertEquals(2, linesOnDisk().size());
        }
    }
}
