package io.dinospark.attention;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The patches that hold a given share of an attention map's mass, as DINO's {@code visualize_attention.py} keeps
 * them: the map normalised to sum 1, sorted ascending, summed cumulatively; a patch is kept where that running sum
 * exceeds {@code 1 - fraction}. The kept patches are the largest ones, and they hold at least {@code fraction}.
 */
public final class AttentionMask {

    /** The share of attention mass DINO's figures keep. */
    public static final double DINO_FRACTION = 0.6;

    private AttentionMask() {
    }

    /** Per patch, whether it is kept; {@code attention} holds one non-negative value per patch, any order. */
    public static boolean[] keepingMass(float[] attention, double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("mass fraction must be in (0, 1], got " + fraction);
        }
        double total = 0;
        for (float a : attention) {
            if (!(a >= 0) || Float.isInfinite(a)) {
                throw new IllegalArgumentException("attention values must be finite and >= 0, got " + a);
            }
            total += a;
        }
        if (total <= 0) {
            throw new IllegalArgumentException("an attention map with no mass has no mask");
        }
        Integer[] ascending = new Integer[attention.length];
        Arrays.setAll(ascending, i -> i);
        Arrays.sort(ascending, Comparator.comparingDouble(i -> attention[i]));
        boolean[] keep = new boolean[attention.length];
        double cumulative = 0;
        for (int i : ascending) {
            cumulative += attention[i] / total;
            keep[i] = cumulative > 1 - fraction;
        }
        return keep;
    }
}
