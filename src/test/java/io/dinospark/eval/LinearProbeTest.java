package io.dinospark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

import io.dinospark.LocalSpark;

/** The probe learns a linearly separable set on Spark; a set it cannot separate stays near chance. */
class LinearProbeTest {

    private static final JavaSparkContext SC = JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());
    private static final LabelIndex LABELS = new LabelIndex(List.of("a", "b", "c", "d"));

    /** Class c sits at +3 on axis c (separable), or every class draws from the same cloud (not). */
    private static JavaRDD<ImageFeature> features(int n, long seed, boolean separable) {
        Random random = new Random(seed);
        List<ImageFeature> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int c = i % 4;
            float[] v = new float[6];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) random.nextGaussian();
            }
            if (separable) {
                v[c] += 3;
            }
            rows.add(new ImageFeature(i, "x" + i, LABELS.name(c), v));
        }
        return SC.parallelize(rows, 3);
    }

    @Test
    void learnsALinearlySeparableSet() {
        LinearProbe.Accuracy a = LinearProbe.trainAndScore(features(800, 1, true), features(200, 2, true), LABELS,
                new LinearProbe.Settings(8, 0.5, 32, 2));
        assertTrue(a.top1() > 0.95, a.toString());
        assertEquals(1.0, a.top5()); // 4 classes always fit a top 5
    }

    @Test
    void staysNearChanceOnLabelsTheFeaturesDoNotCarry() {
        LinearProbe.Accuracy a = LinearProbe.trainAndScore(features(800, 1, false), features(400, 2, false), LABELS,
                new LinearProbe.Settings(4, 0.5, 32, 2));
        assertTrue(a.top1() < 0.4, a.toString());
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LinearProbe.Settings(0, 0.1, 32, 2));
        assertThrows(IllegalArgumentException.class, () -> new LinearProbe.Settings(5, -1, 32, 2));
    }
}
