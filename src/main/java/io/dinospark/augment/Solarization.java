package io.dinospark.augment;

/** PIL's {@code ImageOps.solarize}: every value at or above the threshold is inverted. */
public final class Solarization {

    private Solarization() {
    }

    /** Inverts ({@code v -> 1 - v}) the values among the first {@code n} of each plane that are {@code >= threshold / 255}. */
    public static void apply(float[][] rgb, int n, int threshold) {
        // The same float expression as a pixel of value threshold/255, so that pixel counts as "at the threshold".
        float t = threshold / 255f;
        for (float[] plane : rgb) {
            for (int i = 0; i < n; i++) {
                float v = plane[i];
                plane[i] = v >= t ? 1f - v : v;
            }
        }
    }
}
