package io.dinospark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Comparing float arrays computed two ways (two engines, Java and PyTorch) at a stated tolerance: float32 with
 * different kernels and summation orders agrees to a fraction of the array's scale, not bit for bit.
 */
public final class Closeness {

    private Closeness() {
    }

    /** {@code max |actual - expected| <= rtol * max |expected|}; prints the worst difference, for the tests' notes. */
    public static void assertClose(String what, float[] expected, float[] actual, double rtol) {
        assertEquals(expected.length, actual.length, what + ": lengths");
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        }
        assertTrue(scale > 0, what + ": all zero, nothing compared");
        System.out.printf("%s: worst difference %.2e of largest value %.3f%n", what, worst, scale);
        assertTrue(worst <= rtol * scale, what + ": max difference " + worst + " exceeds " + rtol + " x scale " + scale);
    }
}
