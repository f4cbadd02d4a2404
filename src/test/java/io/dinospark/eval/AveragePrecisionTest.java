package io.dinospark.eval;

import static io.dinospark.eval.AveragePrecision.Relevance.JUNK;
import static io.dinospark.eval.AveragePrecision.Relevance.NEGATIVE;
import static io.dinospark.eval.AveragePrecision.Relevance.POSITIVE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.dinospark.eval.AveragePrecision.Relevance;

/** The revisited protocol's AP and precision at k, by hand and against revisitop's compute_map written out here. */
class AveragePrecisionTest {

    private static final int[] KS = {1, 5, 10};

    @Test
    void handComputedRankingWithoutJunk() {
        // Positives at 0 and 2: (1 + 1) / 2 x 1/2 + (1/2 + 2/3) / 2 x 1/2 = 19/24.
        AveragePrecision.Score s = AveragePrecision.of(List.of(POSITIVE, NEGATIVE, POSITIVE, NEGATIVE), 2, KS);
        assertEquals(19.0 / 24, s.ap(), 1e-15);
        // Precision at k stops at the last positive found (rank 3): P@5 = P@10 = 2/3.
        assertArrayEquals(new double[] {1, 2.0 / 3, 2.0 / 3}, s.precision(), 1e-15);
    }

    @Test
    void junkIsTakenOutOfTheRanking() {
        AveragePrecision.Score s = AveragePrecision.of(List.of(JUNK, POSITIVE, NEGATIVE, JUNK, POSITIVE, NEGATIVE), 2, KS);
        assertEquals(19.0 / 24, s.ap(), 1e-15);
        assertArrayEquals(new double[] {1, 2.0 / 3, 2.0 / 3}, s.precision(), 1e-15);
        // Junk before a lone positive lifts it to rank 1.
        assertEquals(1.0, AveragePrecision.of(List.of(JUNK, JUNK, POSITIVE), 1, KS).ap(), 1e-15);
    }

    @Test
    void positivesNotFoundCountAndAddNothing() {
        AveragePrecision.Score none = AveragePrecision.of(List.of(NEGATIVE, NEGATIVE, JUNK), 3, KS);
        assertEquals(0.0, none.ap());
        assertArrayEquals(new double[] {0, 0, 0}, none.precision());
        // One of four positives found, at rank 1: a quarter of the area.
        assertEquals(0.25, AveragePrecision.of(List.of(POSITIVE, NEGATIVE), 4, KS).ap(), 1e-15);
        // A positive found second: (0 + 1/2) / 2.
        assertEquals(0.25, AveragePrecision.of(List.of(NEGATIVE, POSITIVE), 1, KS).ap(), 1e-15);
    }

    @Test
    void tiesAreRankedByDatabaseIdSoTheApIsDetermined() {
        // Two database images at the same similarity: the lower id ranks first, whatever the order offered.
        Neighbours negativeOfferedFirst = new Neighbours(1, 2);
        negativeOfferedFirst.offer(0, 0.5f, 7, 0);
        negativeOfferedFirst.offer(0, 0.5f, 3, 1);
        Neighbours positiveOfferedFirst = new Neighbours(1, 2);
        positiveOfferedFirst.offer(0, 0.5f, 3, 1);
        positiveOfferedFirst.offer(0, 0.5f, 7, 0);
        for (Neighbours offered : List.of(negativeOfferedFirst, positiveOfferedFirst)) {
            int[] ranked = offered.ranked(0);
            assertEquals(3, offered.trainId(ranked[0]));
            assertEquals(7, offered.trainId(ranked[1]));
            List<Relevance> ranking = new ArrayList<>();
            for (int p : ranked) {
                ranking.add(offered.label(p) == 1 ? POSITIVE : NEGATIVE);
            }
            assertEquals(List.of(POSITIVE, NEGATIVE), ranking);
            assertEquals(1.0, AveragePrecision.of(ranking, 1, KS).ap());
        }
    }

    @Test
    void badInputIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AveragePrecision.of(List.of(POSITIVE), 0, KS));
        assertTrue(e.getMessage().contains("at least one positive"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AveragePrecision.of(List.of(POSITIVE, POSITIVE), 1, KS));
        assertTrue(e.getMessage().contains("more than the query's 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AveragePrecision.of(List.of(POSITIVE), 1, new int[] {0}));
        assertTrue(e.getMessage().contains("k > 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AveragePrecision.Mean.of(List.of()));
    }

    @Test
    void equalsRevisitopsComputeMapOnRandomRankings() {
        Random random = new Random(16);
        List<AveragePrecision.Score> scores = new ArrayList<>();
        double map = 0;
        double[] pr = new double[KS.length];
        int queries = 200;
        for (int q = 0; q < queries; q++) {
            int n = 1 + random.nextInt(40);
            List<Relevance> ranking = new ArrayList<>();
            int found = 0;
            for (int i = 0; i < n; i++) {
                Relevance r = Relevance.values()[random.nextInt(3)];
                found += r == POSITIVE ? 1 : 0;
                ranking.add(r);
            }
            if (found == 0) {
                ranking.set(random.nextInt(n), POSITIVE); // the reference fails on a ranking without positives
                found = (int) ranking.stream().filter(r -> r == POSITIVE).count();
            }
            int positives = found + random.nextInt(3); // some never found
            AveragePrecision.Score s = AveragePrecision.of(ranking, positives, KS);
            double[] expected = computeMapOfOneQuery(ranking, positives);
            assertEquals(expected[0], s.ap(), 1e-12, "query " + q);
            for (int j = 0; j < KS.length; j++) {
                assertEquals(expected[1 + j], s.precision()[j], 1e-12, "query " + q + " P@" + KS[j]);
                pr[j] += expected[1 + j] / queries;
            }
            map += expected[0] / queries;
            scores.add(s);
        }
        AveragePrecision.Mean mean = AveragePrecision.Mean.of(scores);
        assertEquals(map, mean.map(), 1e-12);
        assertArrayEquals(pr, mean.precision(), 1e-12);
        assertEquals(queries, mean.queries());
    }

    /**
     * revisitop's {@code compute_map} for one query, statement by statement: the 0-based positions of positives and
     * of junk in the ranking, positives shifted down by the junk before them, {@code compute_ap}, then precision at
     * {@code kq = min(max(pos), k)} on 1-based positions.
     */
    private static double[] computeMapOfOneQuery(List<Relevance> ranks, int nres) {
        List<Integer> pos = new ArrayList<>();
        List<Integer> junk = new ArrayList<>();
        for (int i = 0; i < ranks.size(); i++) {
            if (ranks.get(i) == POSITIVE) {
                pos.add(i);
            } else if (ranks.get(i) == JUNK) {
                junk.add(i);
            }
        }
        int k = 0;
        int ij = 0;
        if (!junk.isEmpty()) {
            int ip = 0;
            while (ip < pos.size()) {
                while (ij < junk.size() && pos.get(ip) > junk.get(ij)) {
                    k += 1;
                    ij += 1;
                }
                pos.set(ip, pos.get(ip) - k);
                ip += 1;
            }
        }
        double ap = 0;
        double recallStep = 1. / nres;
        for (int j = 0; j < pos.size(); j++) {
            int rank = pos.get(j);
            double precision0 = rank == 0 ? 1. : (double) j / rank;
            double precision1 = (double) (j + 1) / (rank + 1);
            ap += (precision0 + precision1) * recallStep / 2.;
        }
        double[] out = new double[1 + KS.length];
        out[0] = ap;
        int max = pos.stream().mapToInt(p -> p + 1).max().getAsInt();
        for (int j = 0; j < KS.length; j++) {
            int kq = Math.min(max, KS[j]);
            long within = pos.stream().filter(p -> p + 1 <= kq).count();
            out[1 + j] = (double) within / kq;
        }
        return out;
    }
}
