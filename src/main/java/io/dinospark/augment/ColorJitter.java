package io.dinospark.augment;

import java.util.SplittableRandom;

/**
 * torchvision's {@code ColorJitter} on float RGB planes: brightness, contrast, saturation and hue factors drawn
 * uniformly ({@code [max(0, 1 - s), 1 + s]}, hue {@code [-h, h]}) and applied in a random order
 * ({@code torch.randperm(4)}), each result clamped to [0, 1] as torchvision's tensor ops do. Every pixel loop runs
 * over one index of separate planes, the shape the JIT vectorises. Holds scratch buffers: one instance per thread.
 */
public final class ColorJitter {

    private final double brightness;
    private final double contrast;
    private final double saturation;
    private final double hue;
    private final int[] order = new int[4];
    private float[] max = new float[0];
    private float[] chroma = new float[0];
    private float[] hue6 = new float[0];

    public ColorJitter(double brightness, double contrast, double saturation, double hue) {
        if (brightness < 0 || contrast < 0 || saturation < 0 || hue < 0 || hue > 0.5) {
            throw new IllegalArgumentException("bad color jitter " + brightness + ", " + contrast + ", " + saturation
                    + ", " + hue);
        }
        this.brightness = brightness;
        this.contrast = contrast;
        this.saturation = saturation;
        this.hue = hue;
    }

    /** Draws the order and the four factors from {@code rng} and applies them to the first {@code n} pixels. */
    public void apply(float[][] rgb, int n, SplittableRandom rng) {
        // Reset first: the permutation must depend on the rng only, not on the previous call.
        for (int i = 0; i < 4; i++) {
            order[i] = i;
        }
        for (int i = 3; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        float b = factor(rng, brightness);
        float c = factor(rng, contrast);
        float s = factor(rng, saturation);
        float h = (float) RandomResizedCrop.uniform(rng, -hue, hue);
        for (int op : order) {
            switch (op) {
                case 0 -> brightness(rgb, n, b);
                case 1 -> contrast(rgb, n, c);
                case 2 -> saturation(rgb, n, s);
                default -> hue(rgb, n, h);
            }
        }
    }

    private static float factor(SplittableRandom rng, double strength) {
        return (float) RandomResizedCrop.uniform(rng, Math.max(0, 1 - strength), 1 + strength);
    }

    /** {@code v * factor}, clamped. */
    public static void brightness(float[][] rgb, int n, float factor) {
        if (factor == 1f) {
            return;
        }
        for (float[] plane : rgb) {
            for (int i = 0; i < n; i++) {
                plane[i] = clamp(plane[i] * factor);
            }
        }
    }

    /** Blend with the image's mean luma {@code m}: {@code factor * v + (1 - factor) * m}, clamped. */
    public static void contrast(float[][] rgb, int n, float factor) {
        if (factor == 1f) {
            return;
        }
        double mean = (Grayscale.R * sum(rgb[0], n) + Grayscale.G * sum(rgb[1], n) + Grayscale.B * sum(rgb[2], n)) / n;
        float rest = (1 - factor) * (float) mean;
        for (float[] plane : rgb) {
            for (int i = 0; i < n; i++) {
                plane[i] = clamp(factor * plane[i] + rest);
            }
        }
    }

    /** Blend with each pixel's luma {@code L}: {@code factor * v + (1 - factor) * L}, clamped. */
    public static void saturation(float[][] rgb, int n, float factor) {
        if (factor == 1f) {
            return;
        }
        float rest = 1 - factor;
        float[] r = rgb[0];
        float[] g = rgb[1];
        float[] b = rgb[2];
        for (int i = 0; i < n; i++) {
            float l = rest * (Grayscale.R * r[i] + Grayscale.G * g[i] + Grayscale.B * b[i]);
            r[i] = clamp(factor * r[i] + l);
            g[i] = clamp(factor * g[i] + l);
            b[i] = clamp(factor * b[i] + l);
        }
    }

    /**
     * Rotates each pixel's HSV hue by {@code shift} turns, keeping saturation and value, as torchvision's
     * {@code _rgb2hsv}, {@code (h + shift) % 1}, {@code _hsv2rgb}. Value is the max channel and chroma = max - min
     * is kept, so each channel is {@code max - chroma * ramp(k)}, with {@code k} the channel's offset (5, 3, 1 for
     * R, G, B) plus the hue in sixths of a turn, and {@code ramp} 1 within 1 of 2 (mod 6), 0 beyond 2 of it, linear
     * between: the closed form of the same piecewise-linear map (the "alternative" HSV-to-RGB formula). Branch-free
     * and in short loops, so that the JIT vectorises them.
     */
    public void hue(float[][] rgb, int n, float shift) {
        if (shift == 0f) {
            return;
        }
        if (max.length < n) {
            max = new float[n];
            chroma = new float[n];
            hue6 = new float[n];
        }
        float[] r = rgb[0];
        float[] g = rgb[1];
        float[] b = rgb[2];
        float[] mx = max;
        float[] ch = chroma;
        float[] h6 = hue6;
        for (int i = 0; i < n; i++) {
            float m = Math.max(r[i], Math.max(g[i], b[i]));
            mx[i] = m;
            ch[i] = m - Math.min(r[i], Math.min(g[i], b[i]));
        }
        float shift6 = 6 * shift;
        for (int i = 0; i < n; i++) {
            float m = mx[i];
            float inverse = 1f / (ch[i] + 1e-30f); // grey (chroma 0): every numerator is 0, so the hue is 0
            // 1 where the channel is the max, else 0 (a difference times 2^126 is >= 1, or below 2^-126, a near
            // tie, where the hue is continuous and either formula gives it); ties go to r, then g, as in torchvision.
            float isR = 1 - Math.min(1f, (m - r[i]) * 0x1p126f);
            float isG = (1 - isR) * (1 - Math.min(1f, (m - g[i]) * 0x1p126f));
            float isB = 1 - isR - isG;
            h6[i] = isR * ((g[i] - b[i]) * inverse) + isG * (2 + (b[i] - r[i]) * inverse)
                    + isB * (4 + (r[i] - g[i]) * inverse) + shift6;
        }
        applyRamp(r, 5, mx, ch, h6, n);
        applyRamp(g, 3, mx, ch, h6, n);
        applyRamp(b, 1, mx, ch, h6, n);
    }

    /**
     * {@code channel = max - chroma * ramp(offset + h6)}; {@code h6} lies in [-4, 8), so {@code k} in [-3, 13), where
     * the distance to the nearest of -4, 2, 8, 14 is the distance to 2 modulo 6.
     */
    private static void applyRamp(float[] channel, float offset, float[] mx, float[] ch, float[] h6, int n) {
        for (int i = 0; i < n; i++) {
            float k = offset + h6[i];
            float d = Math.min(Math.min(Math.abs(k + 4), Math.abs(k - 2)), Math.min(Math.abs(k - 8), Math.abs(k - 14)));
            channel[i] = mx[i] - ch[i] * (1 - Math.min(1f, Math.max(0f, d - 1)));
        }
    }

    /** A sum with four accumulators, so that additions do not wait on each other. */
    private static double sum(float[] v, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += v[i];
            s1 += v[i + 1];
            s2 += v[i + 2];
            s3 += v[i + 3];
        }
        for (; i < n; i++) {
            s0 += v[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static float clamp(float v) {
        return Math.min(1f, Math.max(0f, v));
    }
}
