package io.dinospark.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The per-query top-k table: bounded, ordered by similarity then id, independent of offer and merge order. */
class NeighboursTest {

    private static int[] ids(Neighbours n, int q) {
        return java.util.Arrays.stream(n.ranked(q)).map(n::trainId).toArray();
    }

    @Test
    void keepsTheKMostSimilarBestFirst() {
        Neighbours n = new Neighbours(1, 3);
        float[] sims = {0.1f, 0.9f, -0.5f, 0.7f, 0.3f, 0.8f};
        for (int i = 0; i < sims.length; i++) {
            n.offer(0, sims[i], i, 10 + i);
        }
        assertArrayEquals(new int[] {1, 5, 3}, ids(n, 0));
        assertEquals(15, n.label(n.ranked(0)[1]));
    }

    @Test
    void fewerImagesThanKAreAllKept() {
        Neighbours n = new Neighbours(2, 200);
        n.offer(0, 0.5f, 7, 1);
        n.offer(0, 0.6f, 3, 2);
        assertEquals(2, n.count(0));
        assertEquals(0, n.count(1));
        assertArrayEquals(new int[] {3, 7}, ids(n, 0));
        assertArrayEquals(new int[0], ids(n, 1));
    }

    @Test
    void equalSimilaritiesRankByLowerIdWhateverTheOrder() {
        Neighbours forward = new Neighbours(1, 2);
        Neighbours backward = new Neighbours(1, 2);
        for (int i = 0; i < 5; i++) {
            forward.offer(0, 0.5f, i, i);
            backward.offer(0, 0.5f, 4 - i, 4 - i);
        }
        assertArrayEquals(new int[] {0, 1}, ids(forward, 0));
        assertArrayEquals(new int[] {0, 1}, ids(backward, 0));
    }

    @Test
    void mergingPartsEqualsOfferingEverythingToOneTable() {
        Random random = new Random(3);
        int queries = 5;
        int k = 7;
        Neighbours whole = new Neighbours(queries, k);
        List<Neighbours> parts = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            parts.add(new Neighbours(queries, k));
        }
        for (int id = 0; id < 100; id++) {
            for (int q = 0; q < queries; q++) {
                float sim = (float) Math.round(random.nextGaussian() * 4) / 4; // many ties
                whole.offer(q, sim, id, id % 3);
                parts.get(random.nextInt(4)).offer(q, sim, id, id % 3);
            }
        }
        Collections.shuffle(parts, random);
        Neighbours merged = parts.get(0).merge(parts.get(1)).merge(parts.get(2).merge(parts.get(3)));
        for (int q = 0; q < queries; q++) {
            assertArrayEquals(ids(whole, q), ids(merged, q));
        }
    }

    @Test
    void tablesOfOtherShapesDoNotMerge() {
        assertThrows(IllegalArgumentException.class, () -> new Neighbours(2, 3).merge(new Neighbours(2, 4)));
        assertThrows(IllegalArgumentException.class, () -> new Neighbours(2, 0));
    }
}
