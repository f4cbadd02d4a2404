package io.dinospark.augment;

/** torchvision's {@code RandomGrayscale} with 3 output channels: ITU-R 601-2 luma L in every channel, as PIL's "L". */
public final class Grayscale {

    static final float R = 0.299f;
    static final float G = 0.587f;
    static final float B = 0.114f;

    private Grayscale() {
    }

    /** Replaces each of the first {@code n} pixels of the planes {@code rgb[0..2]} by its luma. */
    public static void apply(float[][] rgb, int n) {
        float[] r = rgb[0];
        float[] g = rgb[1];
        float[] b = rgb[2];
        for (int i = 0; i < n; i++) {
            float l = R * r[i] + G * g[i] + B * b[i];
            r[i] = l;
            g[i] = l;
            b[i] = l;
        }
    }
}
