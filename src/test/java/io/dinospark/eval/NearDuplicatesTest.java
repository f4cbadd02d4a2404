package io.dinospark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashMap;
import java.util.HashSet;
import java.util.stream.Collectors;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dinospark.LocalSpark;
import io.dinospark.config.ConfigLoader;
import io.dinospark.data.ImageCatalog;
import io.dinospark.data.ImageLayout;
import io.dinospark.data.ImageSource;
import io.dinospark.data.SyntheticImageSet;

/** dedupe finds the planted duplicates and nothing else, by the exact search and by Spark ML's LSH alike. */
class NearDuplicatesTest {

    private static final double THRESHOLD = 0.9;

    @TempDir
    static Path dir;
    private static Set<List<String>> planted;
    private static JavaRDD<ImageFeature> features;

    @BeforeAll
    static void plantAndExtract() throws Exception {
        new SyntheticImageSet(3, 7).write(dir.resolve("images").toString(), 10, 0, 0, false);
        planted = PlantedDuplicates.plant(dir.resolve("images/train"), dir.resolve("planted"), 5, 0.02);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());
        ImageCatalog catalog = ImageCatalog.list(LocalSpark.get(), ImageSource.files("file:" + dir.resolve("planted"),
                ImageLayout.FLAT));
        Broadcast<FeatureModel> pixels = sc.broadcast(FeatureModel.rawPixels());
        features = FeatureExtractor.extract(catalog.images(), 16, ConfigLoader.defaults().augment(), 7, pixels).cache();
        assertEquals(30 + 6 * 3, features.count());
    }

    private static Map<List<String>, Float> pairs(JavaRDD<Row> rows) {
        return rows.collect().stream().collect(Collectors.toMap(
                r -> List.of(strip(r.getString(0)), strip(r.getString(1))), r -> r.getFloat(2), (a, b) -> a, HashMap::new));
    }

    private static String strip(String path) {
        return path.replaceFirst("^file:", "");
    }

    @Test
    void theExactSearchFindsEveryPlantedPairAndNoOther() {
        Map<List<String>, Float> found = pairs(new NearDuplicates(THRESHOLD, 10).exact(features));
        assertEquals(36, planted.size());
        planted = new HashSet<>(planted);
        Set<List<String>> missed = new HashSet<>(planted);
        missed.removeAll(found.keySet());
        Set<List<String>> extra = new HashSet<>(found.keySet());
        extra.removeAll(planted);
        assertEquals(Set.of(), missed, "missed; found " + found);
        assertEquals(Set.of(), extra, "not planted");
        found.values().forEach(s -> assertTrue(s >= THRESHOLD && s <= 1 + 1e-5, found.toString()));
    }

    @Test
    void lshAgreesWithTheExactSearch() {
        NearDuplicates dedupe = new NearDuplicates(THRESHOLD, 10);
        Map<List<String>, Float> exact = pairs(dedupe.exact(features));
        Map<List<String>, Float> lsh = pairs(dedupe.lsh(LocalSpark.get(), features, new NearDuplicates.Lsh(10, null, 3)));
        assertEquals(exact.keySet(), lsh.keySet());
        exact.forEach((pair, s) -> assertEquals(s, lsh.get(pair), 1e-5, pair.toString()));
    }

    @Test
    void aSmallKKeepsTheClosestAndBadSettingsAreRefused() {
        // k 2: each image looks at one other, so a group of four keeps at least its closest pairs, never a false one.
        Map<List<String>, Float> found = pairs(new NearDuplicates(THRESHOLD, 2).exact(features));
        assertTrue(planted.containsAll(found.keySet()) && found.size() >= 6 && found.size() < planted.size(), found.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new NearDuplicates(1.5, 10));
        assertTrue(e.getMessage().contains("--threshold (a cosine similarity) must be in (0, 1], got 1.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new NearDuplicates(0.9, 1));
        assertTrue(e.getMessage().contains("--k"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new NearDuplicates.Lsh(0, 1.0, 0));
        assertTrue(e.getMessage().contains("--hash-tables must be > 0, got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new NearDuplicates.Lsh(3, -1.0, 0));
        assertTrue(e.getMessage().contains("--bucket-length must be > 0, got -1.0"), e.getMessage());
    }
}
