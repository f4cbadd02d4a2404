package io.dinospark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dinospark.LocalSpark;
import io.dinospark.TestConfigs;
import io.dinospark.config.ConfigLoader;
import io.dinospark.config.DinoConfig;
import io.dinospark.data.SyntheticImageSet;
import io.dinospark.eval.PlantedDuplicates;
import io.dinospark.model.DinoNetwork;
import io.dinospark.train.Checkpoints;
import picocli.CommandLine;

/** dedupe end to end: a run, a set with planted duplicates, both methods, the table; bad options named. */
class DedupeCommandTest {

    @TempDir
    static Path dir;
    private static Set<List<String>> planted;

    @BeforeAll
    static void plant() throws Exception {
        LocalSpark.get();
        new SyntheticImageSet(3, 7).write(dir.resolve("images").toString(), 10, 0, 0, false);
        planted = new HashSet<>(PlantedDuplicates.plant(dir.resolve("images/train"), dir.resolve("planted"), 5, 0.02));
        DinoConfig config = TestConfigs.tinyConv(2);
        var network = DinoNetwork.create(config);
        new Checkpoints(new org.apache.hadoop.fs.Path(dir.resolve("run").toString()), new Configuration(), 1)
                .save(new Checkpoints.State(1, TestConfigs.state(network), network.params(),
                        network.params().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 20)).dup(),
                        ConfigLoader.render(config)));
    }

    private static String[] run(String... args) {
        CommandLine cli = DinoSpark.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        return new String[] {String.valueOf(cli.execute(args)), err.toString()};
    }

    private static Set<List<String>> pairs(String table) {
        Set<List<String>> found = new HashSet<>();
        for (Row r : LocalSpark.get().read().parquet(table).collectAsList()) {
            found.add(List.of(r.getString(0).replaceFirst("^file:", ""), r.getString(1).replaceFirst("^file:", "")));
        }
        return found;
    }

    @Test
    void bothMethodsWriteThePlantedPairs() {
        for (String method : List.of("auto", "lsh")) {
            String out = dir.resolve("pairs-" + method).toString();
            String[] result = run("dedupe", "--run", dir.resolve("run").toString(), "--images", dir.resolve("planted").toString(),
                    "--features", "raw-pixels", "--threshold", "0.9", "--method", method, "--out", out);
            assertEquals("0", result[0], result[1]);
            assertEquals(planted, pairs(out), method);
        }
    }

    @Test
    void badOptionsAreErrorsNamingThem() {
        String images = dir.resolve("planted").toString();
        String[] method = run("dedupe", "--run", dir.resolve("run").toString(), "--images", images, "--method", "fast",
                "--out", dir.resolve("x").toString());
        assertEquals("1", method[0]);
        assertTrue(method[1].contains("--method 'fast' is not one of auto, exact, lsh"), method[1]);
        String[] threshold = run("dedupe", "--run", dir.resolve("run").toString(), "--images", images, "--threshold", "0",
                "--out", dir.resolve("y").toString());
        assertEquals("1", threshold[0]);
        assertTrue(threshold[1].contains("--threshold (a cosine similarity) must be in (0, 1], got 0.0"), threshold[1]);
        String[] exists = run("dedupe", "--run", dir.resolve("run").toString(), "--images", images, "--out", images);
        assertEquals("1", exists[0]);
        assertTrue(exists[1].contains("--out " + images + " exists"), exists[1]);
    }
}
