package io.dinospark.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.dinospark.LocalSpark;

/** The distributed search equals brute force in one process, and features that cluster by class classify right. */
class KnnSearchTest {

    private static final JavaSparkContext SC = JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());

    private static float[] gaussian(Random random, int d, float[] centre, double spread) {
        float[] v = new float[d];
        for (int i = 0; i < d; i++) {
            v[i] = (centre == null ? 0 : centre[i]) + (float) (random.nextGaussian() * spread);
        }
        return v;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double norm(float[] a) {
        return Math.sqrt(dot(a, a));
    }

    private static Neighbours search(List<ImageFeature> train, List<ImageFeature> queries, LabelIndex labels, int k,
            int partitions) {
        Broadcast<LabelIndex> classes = SC.broadcast(labels);
        Broadcast<INDArray> q = SC.broadcast(KnnSearch.normalizeRows(KnnSearch.matrix(queries)));
        return KnnSearch.search(SC.parallelize(train, partitions), classes, q, k);
    }

    @Test
    void theDistributedTopKEqualsBruteForce() {
        Random random = new Random(11);
        int d = 16;
        List<ImageFeature> train = new ArrayList<>();
        for (int i = 0; i < 2500; i++) { // more than two chunks of 1024 in some partition
            train.add(new ImageFeature(i, "t" + i, "c" + (i % 4), gaussian(random, d, null, 1)));
        }
        List<ImageFeature> queries = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            queries.add(new ImageFeature(i, "q" + i, "c" + (i % 4), gaussian(random, d, null, 1)));
        }
        int k = 25;
        Neighbours distributed = search(train, queries, new LabelIndex(List.of("c0", "c1", "c2", "c3")), k, 3);
        for (int q = 0; q < queries.size(); q++) {
            float[] query = queries.get(q).feature();
            List<ImageFeature> sorted = new ArrayList<>(train);
            sorted.sort(Comparator.comparingDouble((ImageFeature t) -> -dot(query, t.feature()) / norm(t.feature())));
            int[] expected = sorted.subList(0, k).stream().mapToLong(ImageFeature::id).mapToInt(id -> (int) id).toArray();
            int[] ranked = distributed.ranked(q);
            int[] got = java.util.Arrays.stream(ranked).map(distributed::trainId).toArray();
            assertArrayEquals(expected, got, "query " + q);
            float best = distributed.similarity(ranked[0]);
            assertEquals(dot(query, sorted.get(0).feature()) / norm(query) / norm(sorted.get(0).feature()), best, 1e-5);
        }
    }

    @Test
    void featuresThatClusterByClassGetTheirClassAndKBeyondTheSetIsHandled() {
        Random random = new Random(5);
        int d = 8;
        int classes = 4;
        float[][] centres = new float[classes][];
        for (int c = 0; c < classes; c++) {
            centres[c] = gaussian(random, d, null, 1);
        }
        List<ImageFeature> train = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            train.add(new ImageFeature(i, "t" + i, "c" + (i % classes), gaussian(random, d, centres[i % classes], 0.05)));
        }
        List<ImageFeature> queries = new ArrayList<>();
        int[] labels = new int[12];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % classes;
            queries.add(new ImageFeature(i, "q" + i, "c" + labels[i], gaussian(random, d, centres[labels[i]], 0.05)));
        }
        Neighbours n = search(train, queries, new LabelIndex(List.of("c0", "c1", "c2", "c3")), 200, 2);
        assertEquals(40, n.count(0));
        List<KnnVote.Accuracy> a = KnnVote.accuracy(n, labels, classes, List.of(1, 10, 200), 0.07);
        assertEquals(1.0, a.get(0).top1());
        assertEquals(1.0, a.get(1).top1());
        assertEquals(1.0, a.get(2).top1()); // k 200 > 40 images: all vote, the own class's close ones dominate
    }
}
