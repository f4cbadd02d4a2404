package io.dinospark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SeededPermutationTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 7, 64, 1000, 1281})
    void isABijectionWithItsInverse(long n) {
        SeededPermutation p = new SeededPermutation(n, 42);
        Set<Long> seen = new HashSet<>();
        for (long i = 0; i < n; i++) {
            long x = p.apply(i);
            seen.add(x);
            assertEquals(i, p.inverse(x));
        }
        assertEquals(n, seen.size());
        assertThrows(IllegalArgumentException.class, () -> p.apply(n));
    }

    @ParameterizedTest
    @ValueSource(longs = {1000})
    void seedsGiveDifferentOrdersThatLookShuffled(long n) {
        List<Long> a = order(n, 1);
        assertEquals(a, order(n, 1));
        assertNotEquals(a, order(n, 2));
        long fixedPoints = 0;
        for (int i = 0; i < n; i++) {
            fixedPoints += a.get(i) == i ? 1 : 0;
        }
        assertEquals(true, fixedPoints < 10, "a shuffle has about one fixed point, got " + fixedPoints);
    }

    private static List<Long> order(long n, long seed) {
        SeededPermutation p = new SeededPermutation(n, seed);
        List<Long> out = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            out.add(p.apply(i));
        }
        return out;
    }
}
