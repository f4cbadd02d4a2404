package io.dinospark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

import io.dinospark.LocalSpark;

/** The reference's whitening: learned over partitions, it whitens its own set; a rank-deficient set is floored. */
class WhiteningTest {

    private static final JavaSparkContext SC = JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());

    /** 2,500 correlated features of 6 dimensions, offset from the origin (so centring matters). */
    private static List<ImageFeature> correlated(Random random, boolean rankDeficient) {
        List<ImageFeature> out = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            double a = random.nextGaussian();
            double b = random.nextGaussian();
            float[] f = {(float) (3 + 2 * a), (float) (a + 0.5 * b), (float) (-1 + b), (float) random.nextGaussian(),
                (float) (0.1 * random.nextGaussian()), rankDeficient ? 0 : (float) random.nextGaussian()};
            if (rankDeficient) {
                f[5] = f[1] + f[3]; // a linear combination of two others: X^T X has a zero eigenvalue
            }
            out.add(new ImageFeature(i, "f" + i, null, f));
        }
        return out;
    }

    @Test
    void theLearningSetComesOutWhiteUpToTheReferencesCentringQuirk() {
        List<ImageFeature> features = correlated(new Random(3), false);
        Whitening w = Whitening.learn(SC.parallelize(features, 3)); // chunks and partitions merged
        int d = 6;
        double[][] cov = new double[d][d];
        for (ImageFeature f : features) {
            float[] y = w.apply(f.feature());
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    cov[i][j] += (double) y[i] * y[j] / features.size();
                }
            }
        }
        // Whitened with X^T X / n, the centred set's covariance is I - (P m)(P m)^T; P m = apply(2 m).
        double[] m = new double[d];
        for (ImageFeature f : features) {
            for (int j = 0; j < d; j++) {
                m[j] += f.feature()[j] / features.size();
            }
        }
        float[] twice = new float[d];
        for (int j = 0; j < d; j++) {
            twice[j] = (float) (2 * m[j]);
        }
        float[] pm = w.apply(twice);
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double expected = (i == j ? 1 : 0) - (double) pm[i] * pm[j];
                assertEquals(expected, cov[i][j], 2e-3, "covariance " + i + "," + j);
            }
        }
        assertEquals(0, w.floored());
    }

    @Test
    void aRankDeficientSetIsFlooredAndStaysFinite() {
        List<ImageFeature> features = correlated(new Random(4), true);
        Whitening w = Whitening.learn(SC.parallelize(features, 2));
        assertTrue(w.floored() >= 1, "the dependent dimension's eigenvalue is raised to the floor");
        for (float v : w.apply(features.get(7).feature())) {
            assertTrue(Float.isFinite(v));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.apply(new float[3]));
        assertTrue(e.getMessage().contains("learned on features of 6 dimensions, got 3"), e.getMessage());
    }

    @Test
    void batchesWhitenAsOneFeatureAtATime() {
        List<ImageFeature> features = correlated(new Random(5), false);
        Whitening w = Whitening.learn(SC.parallelize(features, 2));
        // 2,500 features over 2 partitions: more than one chunk in each
        List<ImageFeature> batched = Whitening.apply(SC.broadcast(w), SC.parallelize(features, 2)).collect();
        List<ImageFeature> listed = w.apply(features);
        assertEquals(features.size(), batched.size());
        for (int r = 0; r < features.size(); r++) {
            ImageFeature one = w.apply(features.get(r));
            for (ImageFeature b : List.of(batched.get(r), listed.get(r))) {
                assertEquals(one.id(), b.id());
                assertEquals(one.path(), b.path());
                float[] x = one.feature();
                float[] y = b.feature();
                for (int i = 0; i < x.length; i++) {
                    assertEquals(x[i], y[i], 1e-4 * Math.max(1, Math.abs(x[i])), "feature " + r + " dimension " + i);
                }
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> w.apply(List.of(new ImageFeature(0, "short", null, new float[3]))));
        assertTrue(e.getMessage().contains("learned on features of 6 dimensions, got 3"), e.getMessage());
    }
}
