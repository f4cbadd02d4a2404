package io.dinospark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dinospark.LocalSpark;
import io.dinospark.TestConfigs;
import io.dinospark.data.SyntheticImageSet;
import io.dinospark.eval.PlantedDuplicates;

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
        Commands.writeRun(dir.resolve("run"), TestConfigs.tinyConv(2), 1);
    }


    /** A dedupe table's pairs, paths without their {@code file:} scheme (DedupeBenchmark reads them so too). */
    static Set<List<String>> pairs(String table) {
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
            String[] result = Commands.run("dedupe", "--run", dir.resolve("run").toString(), "--images", dir.resolve("planted").toString(),
                    "--features", "raw-pixels", "--threshold", "0.9", "--method", method, "--out", out);
            assertEquals("0", result[0], result[1]);
            assertEquals(planted, pairs(out), method);
        }
    }

    @Test
    void theCopyDetectionFeatureFindsEveryByteCopyOnTheTorchEngine() {
        String images = dir.resolve("planted").toString();
        String refusedOut = dir.resolve("pairs-gem-dl4j").toString();
        String[] refused = Commands.run("dedupe", "--run", dir.resolve("run").toString(), "--images", images,
                "--descriptor", "cls-gem", "--out", refusedOut);
        assertEquals("1", refused[0]);
        assertTrue(refused[1].contains("--descriptor cls-gem needs the torch engine"), refused[1]);
        assertTrue(java.nio.file.Files.notExists(Path.of(refusedOut)), "refused before any work");

        String out = dir.resolve("pairs-gem").toString();
        String[] result = Commands.run("dedupe", "--run", dir.resolve("run").toString(), "--images", images,
                "--descriptor", "cls-gem", "--multiscale", "--engine", "torch", "--threshold", "0.9999", "--out", out);
        assertEquals("0", result[0], result[1]);
        Set<List<String>> copies = new HashSet<>();
        for (List<String> pair : planted) {
            String a = Path.of(pair.get(0)).getFileName().toString();
            String b = Path.of(pair.get(1)).getFileName().toString();
            if (a.replace("-copy", "").equals(b.replace("-copy", "")) && !a.equals(b)) {
                copies.add(pair);
            }
        }
        assertEquals(planted.size() / 6, copies.size(), "one byte copy per planted group");
        assertTrue(pairs(out).containsAll(copies), "every byte copy has the same feature as its original");
    }

    @Test
    void badOptionsAreErrorsNamingThem() {
        String images = dir.resolve("planted").toString();
        String[] method = Commands.run("dedupe", "--run", dir.resolve("run").toString(), "--images", images, "--method", "fast",
                "--out", dir.resolve("x").toString());
        assertEquals("1", method[0]);
        assertTrue(method[1].contains("--method 'fast' is not one of auto, exact, lsh"), method[1]);
        String[] threshold = Commands.run("dedupe", "--run", dir.resolve("run").toString(), "--images", images, "--threshold", "0",
                "--out", dir.resolve("y").toString());
        assertEquals("1", threshold[0]);
        assertTrue(threshold[1].contains("--threshold (a cosine similarity) must be in (0, 1], got 0.0"), threshold[1]);
        String[] exists = Commands.run("dedupe", "--run", dir.resolve("run").toString(), "--images", images, "--out", images);
        assertEquals("1", exists[0]);
        assertTrue(exists[1].contains("--out " + images + " exists"), exists[1]);
    }
}
