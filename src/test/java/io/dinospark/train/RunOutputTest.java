package io.dinospark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dinospark.TestConfigs;

class RunOutputTest {

    @TempDir
    Path dir;

    private static StepReport step(long s) {
        return new StepReport(s, 10, 0, 5.0, 1e-4, 0.04, 0.99, 0.04, 4.0, 5.5, 1.0, 0.1, 30, 64, 0, 0.1, 1, 0.01, 0.01, null, null);
    }

    /** What a report reads while the run trains: each step's line is on disk when the step ends, not at close. */
    @Test
    void eachStepIsReadableBeforeTheRunEnds() throws Exception {
        Configuration hadoop = new Configuration();
        Path metrics = dir.resolve("metrics.jsonl");
        try (RunOutput out = new RunOutput(dir.toString(), TestConfigs.tinyVit(0, 0, true), hadoop, 0)) {
            out.write(step(0));
            out.write(step(1));
            List<String> lines = Files.readAllLines(metrics);
            assertEquals(2, lines.size(), "both steps on disk while the output is open");
            assertTrue(lines.get(1).startsWith("{\"step\":1,"), lines.get(1));
            // Read through Hadoop's checksumming local file system too, as the report does.
            org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(metrics.toUri());
            try (var in = FileSystem.getLocal(hadoop).open(file)) {
                assertEquals(Files.size(metrics), in.readAllBytes().length);
            }
        }

        // Resuming at step 1 keeps step 0, drops step 1, and the kept line is on disk at once as well.
        try (RunOutput out = new RunOutput(dir.toString(), TestConfigs.tinyVit(0, 0, true), hadoop, 1)) {
            assertEquals(1, Files.readAllLines(metrics).size());
            out.write(step(1));
            assertEquals(2, Files.readAllLines(metrics).size());
        }
        assertFalse(Files.exists(dir.resolve(".metrics.jsonl.crc")), "no stale checksum left to fail readers");
    }

    /** A metrics file another writer left with a checksum: resuming removes the stale checksum, so readers accept it. */
    @Test
    void resumingDropsAChecksumThatNoLongerMatches() throws Exception {
        Configuration hadoop = new Configuration();
        FileSystem checksummed = FileSystem.getLocal(hadoop);
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir.resolve("metrics.jsonl").toUri());
        try (var out = checksummed.create(file, true)) {
            out.write("{\"step\":0,\"loss\":5.0}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        assertTrue(Files.exists(dir.resolve(".metrics.jsonl.crc")), "the checksumming file system wrote a checksum");

        try (RunOutput out = new RunOutput(dir.toString(), TestConfigs.tinyVit(0, 0, true), hadoop, 1)) {
            out.write(step(1));
        }
        assertFalse(Files.exists(dir.resolve(".metrics.jsonl.crc")));
        try (var in = checksummed.open(file)) {
            assertEquals(Files.size(dir.resolve("metrics.jsonl")), in.readAllBytes().length);
        }
        assertEquals(2, Files.readAllLines(dir.resolve("metrics.jsonl")).size());
    }
}
