package io.dinospark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dinospark.LocalSpark;
import io.dinospark.TestConfigs;
import io.dinospark.data.SyntheticImageSet;
import io.dinospark.eval.EvalResults;

/** copies: deterministic, every copy traced to its original, the Copydays strong family, evaluated by retrieve. */
class CopiesCommandTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void writeImages() throws Exception {
        LocalSpark.get();
        new SyntheticImageSet(3, 7).write(dir.resolve("images").toString(), 8, 4, 0, false);
    }


    private static String[] copies(String out, long seed) {
        return Commands.run("copies", "--images", dir.resolve("images/train").toString(), "--originals", "12", "--copies-per-original",
                "3", "--distractors", dir.resolve("images/val").toString(), "--distractor-count", "10", "--seed",
                Long.toString(seed), "--out", dir.resolve(out).toString());
    }

    private static List<Path> files(Path root) throws Exception {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void theSameSeedWritesTheSameBytesAndAnotherSeedOthers() throws Exception {
        assertEquals("0", copies("a", 5)[0]);
        assertEquals("0", copies("b", 5)[0]);
        assertEquals("0", copies("c", 6)[0]);
        List<Path> a = files(dir.resolve("a"));
        List<Path> b = files(dir.resolve("b"));
        assertEquals(a.stream().map(p -> dir.resolve("a").relativize(p)).toList(),
                b.stream().map(p -> dir.resolve("b").relativize(p)).toList());
        assertEquals(36 + 12 + 10 + 2, a.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(Files.readAllBytes(a.get(i)), Files.readAllBytes(b.get(i)), a.get(i).toString());
        }
        assertNotEquals(Files.readString(dir.resolve("a/copies.tsv")), Files.readString(dir.resolve("c/copies.tsv")));
    }

    @Test
    void everyCopyIsTracedToItsOriginalAndTheAttacksSpanTheStrongFamily() throws Exception {
        assertEquals("0", copies("traced", 1)[0]);
        Path root = dir.resolve("traced");
        List<String> record = Files.readAllLines(root.resolve("copies.tsv"));
        assertEquals("copy\toriginal\tsource\tattacks", record.get(0));
        List<String> truth = Files.readAllLines(root.resolve("ground-truth.jsonl"));
        assertEquals(36, truth.size());
        assertEquals(37, record.size());
        Set<String> kinds = new HashSet<>();
        Pattern crop = Pattern.compile("crop (\\d+)%");
        Pattern jpeg = Pattern.compile("jpeg q(\\d+)");
        ObjectMapper json = new ObjectMapper();
        for (int i = 1; i < record.size(); i++) {
            String[] f = record.get(i).split("\t");
            assertTrue(Files.isRegularFile(root.resolve("queries").resolve(f[0])), f[0]);
            // The original is the source's bytes, unchanged.
            assertArrayEquals(Files.readAllBytes(Path.of(f[2].replaceFirst("^file:", ""))),
                    Files.readAllBytes(root.resolve("database").resolve(f[1])), f[1]);
            JsonNode line = json.readTree(truth.get(i - 1));
            assertEquals(f[0], line.get("query").asText());
            assertEquals(f[1], line.get("positives").get(0).asText());
            for (String attack : f[3].split("; ")) {
                kinds.add(attack.split(" ")[0]);
            }
            Matcher m = crop.matcher(f[3]);
            if (m.find()) {
                int area = Integer.parseInt(m.group(1));
                assertTrue(area >= 8 && area <= 82, f[3]); // 10-80%, give or take a pixel's rounding
            }
            m = jpeg.matcher(f[3]);
            if (m.find()) {
                int q = Integer.parseInt(m.group(1));
                assertTrue(q >= 3 && q <= 75, f[3]);
            }
        }
        assertTrue(kinds.containsAll(List.of("crop", "rotate", "flip", "colour", "blur", "jpeg")), kinds.toString());
        assertTrue(kinds.contains("text") && (kinds.contains("filled") || kinds.contains("outlined")), kinds.toString());
        assertEquals(10, files(root.resolve("database/distractors")).size());
    }

    @Test
    void retrieveScoresTheCopiesAgainstTheirOriginals() throws Exception {
        assertEquals("0", copies("bench", 2)[0]);
        Commands.writeRun(dir.resolve("run"), TestConfigs.tinyConv(2), 1);
        Path bench = dir.resolve("bench");
        String[] result = Commands.run("retrieve", "--run", dir.resolve("run").toString(), "--queries", bench.resolve("queries").toString(),
                "--database", bench.resolve("database").toString(), "--ground-truth", bench.resolve("ground-truth.jsonl").toString(),
                "--k", "20", "--features", "raw-pixels", "--result", "copies", "--out", dir.resolve("copies-table").toString());
        assertEquals("0", result[0], result[1]);
        EvalResults.Retrieval scores = EvalResults.readRetrieval(dir.resolve("run").toString(), "copies",
                LocalSpark.get().sparkContext().hadoopConfiguration());
        assertEquals(36, scores.rows().get(0).queriesScored());
        assertEquals(22, scores.database());
        // One positive among 22 database images: a random ranking's AP (1 at rank 1, else 1 / (2 x rank): the trapezoid) averages 0.11.
        assertTrue(scores.rows().get(0).map() > 0.3, scores.toString());
    }

    @Test
    void badArgumentsAreErrorsNamingThem() {
        String[] parquet = Commands.run("copies", "--images", dir.toString(), "--layout", "parquet", "--out", dir.resolve("x").toString());
        assertEquals("1", parquet[0]);
        assertTrue(parquet[1].contains("--layout imagenet, flat or index, got parquet"), parquet[1]);
        String[] none = Commands.run("copies", "--images", dir.resolve("images/train").toString(), "--originals", "0", "--out",
                dir.resolve("y").toString());
        assertEquals("1", none[0]);
        assertTrue(none[1].contains("need --originals > 0"), none[1]);
    }
}
