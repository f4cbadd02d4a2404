package io.dinospark.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

class AttentionMaskTest {

    /** A hand-made 3x3 map in sixteenths; its sum is 16, not 1, so the normalisation is exercised too. */
    private static final float[] MAP = {
            0, 1, 6,
            0, 4, 0,
            2, 3, 0};

    @Test
    void keepsTheLargestPatchesWhoseRunningSumFromBelowPassesFortyPercent() {
        // Sorted ascending: 0, 0, 0, 0, 1, 2, 3, 4, 6; running sums /16: 0, 0, 0, 0, 1, 3, 6, 10, 16.
        // Kept where the sum exceeds 1 - 0.6 = 6.4/16: the patches holding 4 and 6 (10/16 of the mass).
        boolean[] expected = {
                false, false, true,
                false, true, false,
                false, false, false};
        assertArrayEquals(expected, AttentionMask.keepingMass(MAP, 0.6));
    }

    @Test
    void theThresholdIsStrict() {
        // 1 - 0.625 = 6/16 exactly: the patch whose running sum is exactly 6/16 (the 3) is not kept...
        boolean[] atBoundary = AttentionMask.keepingMass(MAP, 0.625);
        assertArrayEquals(new boolean[] {false, false, true, false, true, false, false, false, false}, atBoundary);
        // ...and a hair more mass takes it in.
        boolean[] past = AttentionMask.keepingMass(MAP, 0.63);
        assertArrayEquals(new boolean[] {false, false, true, false, true, false, false, true, false}, past);
        // All of the mass: every patch with any, but not the zeros (the running sum has passed 0 before them).
        boolean[] all = AttentionMask.keepingMass(MAP, 1.0);
        assertArrayEquals(new boolean[] {false, true, true, false, true, false, true, true, false}, all);
    }

    @Test
    void onRandomMapsTheKeptPatchesHoldTheFractionAndNoSmallerSetOfLargestDoes() {
        Random random = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            float[] map = new float[49];
            double total = 0;
            for (int i = 0; i < map.length; i++) {
                map[i] = (float) Math.exp(3 * random.nextGaussian());
                total += map[i];
            }
            boolean[] keep = AttentionMask.keepingMass(map, 0.6);
            double kept = 0;
            double smallestKept = Double.POSITIVE_INFINITY;
            double largestDropped = 0;
            for (int i = 0; i < map.length; i++) {
                if (keep[i]) {
                    kept += map[i];
                    smallestKept = Math.min(smallestKept, map[i]);
                } else {
                    largestDropped = Math.max(largestDropped, map[i]);
                }
            }
            assertTrue(kept / total >= 0.6, "kept mass " + kept / total);
            assertTrue(smallestKept >= largestDropped, "the kept patches are the largest");
            assertTrue((kept - smallestKept) / total <= 0.6 + 1e-6, "dropping the smallest kept patch goes below 60%");
        }
    }

    @Test
    void badInputsAreErrors() {
        assertThrows(IllegalArgumentException.class, () -> AttentionMask.keepingMass(MAP, 0));
        assertThrows(IllegalArgumentException.class, () -> AttentionMask.keepingMass(MAP, 1.5));
        assertThrows(IllegalArgumentException.class, () -> AttentionMask.keepingMass(new float[] {0, 0}, 0.6));
        assertThrows(IllegalArgumentException.class, () -> AttentionMask.keepingMass(new float[] {1, Float.NaN}, 0.6));
        assertThrows(IllegalArgumentException.class, () -> AttentionMask.keepingMass(new float[] {1, -0.5f}, 0.6));
    }
}
