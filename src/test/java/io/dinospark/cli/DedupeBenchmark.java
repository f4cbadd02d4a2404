package io.dinospark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dinospark.LocalSpark;
import io.dinospark.eval.PlantedDuplicates;

/**
 * dedupe's time and recall on a set with planted duplicates: the images of {@code -Dbench.images} (default
 * Fashion-MNIST's val split of {@code prepare}) and, for every 20th, its byte copy, a JPEG re-encode (quality 75) and
 * a crop of 96% of each side; the features of the run {@code -Dbench.run} (its teacher), its random-init backbone and
 * the raw pixels; exact and LSH. Recall: planted pairs found / planted pairs, in all and for the pairs of an original
 * and its copy, JPEG or crop; other pairs: pairs found that were not planted (the set's own near-duplicates, or
 * false); for LSH, the share of the exact search's pairs (the row above) it found. {@code -Dbench.rows=
 * features:method:threshold,...} chooses the rows. {@code mvn test -Dtest=DedupeBenchmark -Dtest.tags.excluded=none
 * -Dbench.run=RUN}.
 */
@Tag("benchmark")
class DedupeBenchmark {

    @TempDir
    Path dir;

    @Test
    void plantedDuplicatesFoundByExactAndLsh() throws Exception {
        Path images = Path.of(System.getProperty("bench.images", "data/default/val"));
        String run = System.getProperty("bench.run", "runs/default");
        Set<List<String>> planted = PlantedDuplicates.plant(images, dir.resolve("planted"), 20, 0.02);
        LocalSpark.get();
        long count;
        try (Stream<Path> files = Files.list(dir.resolve("planted"))) {
            count = files.count();
        }
        System.out.printf("%d images with %d planted pairs, run %s%n", count, planted.size(), run);
        System.out.println("| features | method | threshold | seconds | pairs | recall | copy | JPEG | crop | other pairs"
                + " | of the exact pairs |");
        String[][] runs = Arrays.stream(System.getProperty("bench.rows", "teacher:exact:0.99,teacher:lsh:0.99,"
                + "teacher:exact:0.995,random-init:exact:0.99,raw-pixels:exact:0.99,raw-pixels:lsh:0.99").split(","))
                .map(row -> row.split(":")).toArray(String[][]::new);
        Set<List<String>> exact = Set.of();
        int i = 0;
        for (String[] r : runs) {
            String out = dir.resolve("pairs" + i++).toString();
            long start = System.nanoTime();
            String[] result = Commands.run("dedupe", "--run", run, "--images", dir.resolve("planted").toString(),
                    "--features", r[0], "--method", r[1], "--threshold", r[2], "--k", "100", "--out", out);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals("0", result[0], "dedupe " + String.join(" ", r) + " failed: " + result[1]);
            Set<List<String>> found = DedupeCommandTest.pairs(out);
            long hits = planted.stream().filter(found::contains).count();
            String ofExact = "";
            if (r[1].equals("exact")) {
                exact = found;
            } else {
                ofExact = String.format("%.1f%%", 100.0 * exact.stream().filter(found::contains).count() / exact.size());
            }
            System.out.printf("| %s | %s | %s | %.1f | %d | %.1f%% | %s | %s | %s | %d | %s |%n", r[0], r[1], r[2], seconds,
                    found.size(), 100.0 * hits / planted.size(), recall(planted, found, "-copy"), recall(planted, found, "-jpeg"),
                    recall(planted, found, "-crop"), found.size() - hits, ofExact);
        }
    }

    /** A planted duplicate's file name (an original's has none of these suffixes). */
    private static final String DUPLICATE = ".*-(copy|jpeg|crop)[.].*";

    /** Recall of the planted pairs of an original and its duplicate of one kind. */
    private static String recall(Set<List<String>> planted, Set<List<String>> found, String kind) {
        List<List<String>> pairs = planted.stream().filter(p -> p.get(0).contains(kind) != p.get(1).contains(kind)
                && p.get(0).matches(DUPLICATE) != p.get(1).matches(DUPLICATE)).toList();
        return String.format("%.1f%%", 100.0 * pairs.stream().filter(found::contains).count() / pairs.size());
    }
}
