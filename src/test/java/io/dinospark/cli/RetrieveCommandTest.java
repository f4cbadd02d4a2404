package io.dinospark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dinospark.BrightnessClasses;
import io.dinospark.LocalSpark;
import io.dinospark.TestConfigs;
import io.dinospark.eval.EvalResults;
import io.dinospark.eval.GroundTruth;

/** retrieve end to end: a run's checkpoint, written images, the distributed top k, the table and the scores. */
class RetrieveCommandTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void writeRunAndImages() throws Exception {
        LocalSpark.get();
        BrightnessClasses.write(dir.resolve("images"), 3, 8, 4, 7);
        Commands.writeRun(dir.resolve("run"), TestConfigs.tinyConv(2), 5);
        Commands.writeRun(dir.resolve("torch-run"), TestConfigs.withEngine(TestConfigs.tinyConv(2), "torch"), 5);
    }


    /** val's images, named under val/. */
    private static List<String> valNames() throws Exception {
        Path val = dir.resolve("images/val");
        try (Stream<Path> files = Files.walk(val)) {
            return files.filter(Files::isRegularFile).map(p -> val.relativize(p).toString()).sorted().toList();
        }
    }

    /** A ground-truth file {@code file} under the temporary directory where each val image is its own sole positive. */
    private static Path selfTruth(String file) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String name : valNames()) {
            lines.add("{\"query\": \"" + name + "\", \"positives\": [\"" + name + "\"]}");
        }
        return Files.write(dir.resolve(file), lines);
    }

    /** The retrieval result {@code <run>/eval/<name>.json}. */
    private static EvalResults.Retrieval scores(String run, String name) throws Exception {
        return EvalResults.readRetrieval(dir.resolve(run).toString(), name,
                LocalSpark.get().sparkContext().hadoopConfiguration());
    }

    /** A table's similarities below rank 1, by query and rank. */
    private static Map<String, Float> belowRankOne(String table) {
        Map<String, Float> out = new TreeMap<>();
        for (Row r : LocalSpark.get().read().parquet(table).collectAsList()) {
            int rank = r.getInt(r.fieldIndex("rank"));
            if (rank > 1) {
                out.put(r.getString(r.fieldIndex("query")) + " #" + rank, r.getFloat(r.fieldIndex("similarity")));
            }
        }
        return out;
    }

    @Test
    void aDatabaseHoldingTheQueriesFindsEachAtRankOne() throws Exception {
        List<String> names = valNames();
        Path truth = selfTruth("self.jsonl");
        String table = dir.resolve("self-table").toString();
        String[] result = Commands.run("retrieve", "--run", dir.resolve("run").toString(), "--queries", dir.resolve("images/val").toString(),
                "--database", dir.resolve("images/val").toString(), "--features", "teacher,raw-pixels", "--k", "3",
                "--ground-truth", truth.toString(), "--result", "self", "--out", table);
        assertEquals("0", result[0], result[1]);
        EvalResults.Retrieval scores = scores("run", "self");
        assertEquals(5, scores.checkpointStep());
        assertEquals(List.of("teacher", "raw-pixels"), scores.rows().stream().map(GroundTruth.Row::features).toList());
        for (GroundTruth.Row row : scores.rows()) {
            assertEquals(1.0, row.map(), 1e-12, row.toString());
            assertEquals(1.0, row.precisionAt1(), 1e-12);
            assertEquals(names.size(), row.queriesScored());
        }
        List<Row> rows = LocalSpark.get().read().parquet(table).collectAsList();
        assertEquals(2 * names.size() * 3, rows.size());
        for (Row r : rows) {
            if (r.getInt(r.fieldIndex("rank")) == 1) {
                assertEquals(r.getString(r.fieldIndex("query")), r.getString(r.fieldIndex("database")));
                assertEquals(1.0, r.getFloat(r.fieldIndex("similarity")), 1e-5);
            } else {
                assertTrue(r.getFloat(r.fieldIndex("similarity")) < 1 - 1e-4, r.toString());
            }
        }
    }

    @Test
    void withWhiteningLearnedOnAThirdSetTheQueriesAreStillFoundAtRankOne() throws Exception {
        Path truth = selfTruth("self-white.jsonl");
        String[] result = Commands.run("retrieve", "--run", dir.resolve("run").toString(), "--queries", dir.resolve("images/val").toString(),
                "--database", dir.resolve("images/val").toString(), "--whitening", dir.resolve("images/train").toString(),
                "--features", "teacher", "--k", "3", "--ground-truth", truth.toString(), "--result", "self-white",
                "--out", dir.resolve("self-white-table").toString());
        assertEquals("0", result[0], result[1]);
        EvalResults.Retrieval scores = scores("run", "self-white");
        assertEquals(1.0, scores.rows().get(0).map(), 1e-12, scores.toString());
        // Rank 1 is the image itself whitened or not: the whitening shows below it, where an unwhitened run differs.
        String[] plain = Commands.run("retrieve", "--run", dir.resolve("run").toString(), "--queries", dir.resolve("images/val").toString(),
                "--database", dir.resolve("images/val").toString(),
                "--features", "teacher", "--k", "3", "--ground-truth", truth.toString(), "--result", "self-unwhitened",
                "--out", dir.resolve("self-unwhitened-table").toString());
        assertEquals("0", plain[0], plain[1]);
        Map<String, Float> whitened = belowRankOne(dir.resolve("self-white-table").toString());
        Map<String, Float> unwhitened = belowRankOne(dir.resolve("self-unwhitened-table").toString());
        assertEquals(unwhitened.keySet(), whitened.keySet());
        assertTrue(whitened.keySet().stream().anyMatch(q -> Math.abs(whitened.get(q) - unwhitened.get(q)) > 1e-3),
                "whitened " + whitened + ", unwhitened " + unwhitened);
    }

    @Test
    void sameClassRetrievalOfThePixelsIsAboveChance() throws Exception {
        String[] result = Commands.run("retrieve", "--run", dir.resolve("run").toString(), "--queries", dir.resolve("images/val").toString(),
                "--database", dir.resolve("images/train").toString(), "--features", "raw-pixels", "--k", "24",
                "--same-class", "--out", dir.resolve("class-table").toString());
        assertEquals("0", result[0], result[1]);
        EvalResults.Retrieval scores = scores("run", "retrieval");
        assertEquals("same-class", scores.groundTruth());
        assertEquals(24, scores.database());
        // Three classes of one brightness each, 8 of 24 database images positive: a random ranking's AP is 0.374 on
        // average (the mean of 12 such: 0.374 +- 0.03); the pixels tell the classes apart.
        assertTrue(scores.rows().get(0).map() > 0.9, scores.toString());
    }

    @Test
    void theCopyDetectionFeatureMultiscaleFindsEachQueryAtRankOneAndIsRecorded() throws Exception {
        Path truth = selfTruth("self-gem.jsonl");
        String table = dir.resolve("self-gem-table").toString();
        String[] result = Commands.run("retrieve", "--run", dir.resolve("torch-run").toString(), "--queries",
                dir.resolve("images/val").toString(), "--database", dir.resolve("images/val").toString(),
                "--features", "teacher,random-init,raw-pixels", "--descriptor", "cls-gem", "--multiscale", "--k", "3",
                "--ground-truth", truth.toString(), "--result", "self-gem", "--out", table);
        assertEquals("0", result[0], result[1]);
        EvalResults.Retrieval scores = scores("torch-run", "self-gem");
        assertEquals("cls-gem, multiscale", scores.feature());
        assertEquals(List.of("teacher", "random-init", "raw-pixels"),
                scores.rows().stream().map(GroundTruth.Row::features).toList());
        for (GroundTruth.Row row : scores.rows()) {
            assertEquals(1.0, row.precisionAt1(), 1e-12, row.toString());
        }
    }

    @Test
    void anEngineWithoutTheFeatureRefusesItBeforeAnyWork() throws Exception {
        String val = dir.resolve("images/val").toString();
        String out = dir.resolve("dl4j-gem").toString();
        String[] gem = Commands.run("retrieve", "--run", dir.resolve("run").toString(), "--queries", val, "--database", val,
                "--descriptor", "cls-gem", "--out", out);
        assertEquals("1", gem[0]);
        assertTrue(gem[1].contains("--descriptor cls-gem needs the torch engine"), gem[1]);
        String[] multiscale = Commands.run("retrieve", "--run", dir.resolve("run").toString(), "--queries", val,
                "--database", val, "--multiscale", "--out", out);
        assertEquals("1", multiscale[0]);
        assertTrue(multiscale[1].contains("--multiscale needs the torch engine"), multiscale[1]);
        assertTrue(Files.notExists(Path.of(out)));
        // The same parameters on the torch engine, which computes it.
        String[] viaTorch = Commands.run("retrieve", "--run", dir.resolve("run").toString(), "--queries", val,
                "--database", val, "--descriptor", "cls-gem", "--engine", "torch", "--k", "2", "--out", out + "-torch");
        assertEquals("0", viaTorch[0], viaTorch[1]);
        String[] unknown = Commands.run("retrieve", "--run", dir.resolve("torch-run").toString(), "--queries", val,
                "--database", val, "--descriptor", "gem", "--out", out);
        assertEquals("1", unknown[0]);
        assertTrue(unknown[1].contains("--descriptor 'gem' is not one of cls, cls-gem"), unknown[1]);
    }

    @Test
    void badInputIsAnErrorNamingIt() throws Exception {
        String runDir = dir.resolve("run").toString();
        String val = dir.resolve("images/val").toString();
        String[] unknown = Commands.run("retrieve", "--run", runDir, "--queries", val, "--database", val, "--features", "pixels",
                "--out", dir.resolve("t1").toString());
        assertEquals("1", unknown[0]);
        assertTrue(unknown[1].contains("features 'pixels' are not one of teacher, random-init, raw-pixels"), unknown[1]);

        Path partial = Files.writeString(dir.resolve("partial.jsonl"), "{\"query\": \"" + valNames().get(0)
                + "\", \"positives\": []}\n");
        String[] missing = Commands.run("retrieve", "--run", runDir, "--queries", val, "--database", val, "--features", "raw-pixels",
                "--ground-truth", partial.toString(), "--out", dir.resolve("t2").toString());
        assertEquals("1", missing[0]);
        assertTrue(missing[1].contains("has no line in the ground-truth file " + partial), missing[1]);

        Path broken = Files.writeString(dir.resolve("broken.jsonl"), "{\"query\": \"a\"}\n{\"query\": \"a\", \"positives\" ");
        String[] malformed = Commands.run("retrieve", "--run", runDir, "--queries", val, "--database", val,
                "--ground-truth", broken.toString(), "--out", dir.resolve("t3").toString());
        assertEquals("1", malformed[0]);
        assertTrue(malformed[1].contains(broken + " line 1 needs a \"query\" and a \"positives\" list"), malformed[1]);

        Path stranger = Files.writeString(dir.resolve("stranger.jsonl"), String.join("\n", valNames().stream()
                .map(n -> "{\"query\": \"" + n + "\", \"positives\": [\"elsewhere.png\"]}").toList()));
        String[] absent = Commands.run("retrieve", "--run", runDir, "--queries", val, "--database", val, "--features", "raw-pixels",
                "--ground-truth", stranger.toString(), "--out", dir.resolve("t4").toString());
        assertEquals("1", absent[0]);
        assertTrue(absent[1].contains("1 images named by the ground-truth file " + stranger + " are not in the database")
                && absent[1].contains("elsewhere.png"), absent[1]);

        String[] both = Commands.run("retrieve", "--run", runDir, "--queries", val, "--database", val, "--same-class",
                "--ground-truth", stranger.toString(), "--out", dir.resolve("t5").toString());
        assertEquals("2", both[0]);
        assertTrue(both[1].contains("mutually exclusive"), both[1]);
    }
}
