package io.dinospark.augment;

import static io.dinospark.augment.TestImages.pixels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ColorJitterTest {

    private static final float[] R = {0.2f, 0.9f};
    private static final float[] G = {0.4f, 0.5f};
    private static final float[] B = {0.6f, 0.1f};

    @Test
    void brightnessScalesAndClamps() {
        float[][] rgb = pixels(R, G, B);
        ColorJitter.brightness(rgb, 2, 1.25f);
        assertArrayEquals(new float[][] {{0.25f, 1f}, {0.5f, 0.625f}, {0.75f, 0.125f}}, rgb);
    }

    @Test
    void contrastBlendsWithTheMeanLuma() {
        float[][] rgb = pixels(R, G, B);
        double m = (luma(0) + luma(1)) / 2;
        ColorJitter.contrast(rgb, 2, 1.4f);
        float[][] original = pixels(R, G, B);
        for (int c = 0; c < 3; c++) {
            for (int p = 0; p < 2; p++) {
                double expected = Math.min(1, Math.max(0, (original[c][p] - m) * 1.4 + m));
                assertEquals(expected, rgb[c][p], 1e-6, "channel " + c + " pixel " + p);
            }
        }
        float[][] grey = pixels(R, G, B);
        ColorJitter.contrast(grey, 2, 0f);
        for (float[] plane : grey) {
            assertArrayEquals(new float[] {(float) m, (float) m}, plane, 1e-6f, "factor 0 gives the mean grey");
        }
    }

    @Test
    void saturationBlendsWithEachPixelsLuma() {
        float[][] rgb = pixels(R, G, B);
        ColorJitter.saturation(rgb, 2, 0.8f);
        float[][] original = pixels(R, G, B);
        for (int p = 0; p < 2; p++) {
            for (int c = 0; c < 3; c++) {
                double expected = Math.min(1, Math.max(0, luma(p) + (original[c][p] - luma(p)) * 0.8));
                assertEquals(expected, rgb[c][p], 1e-6, "channel " + c + " pixel " + p);
            }
        }
    }

    @Test
    void hueRotatesPureRedToPureGreenAndKeepsGrey() {
        ColorJitter jitter = new ColorJitter(0.4, 0.4, 0.2, 0.1);
        float[][] rgb = pixels(new float[] {1f, 0.5f}, new float[] {0f, 0.5f}, new float[] {0f, 0.5f});
        jitter.hue(rgb, 2, 1f / 3);
        assertArrayEquals(new float[][] {{0f, 0.5f}, {1f, 0.5f}, {0f, 0.5f}}, rgb);
        float[][] red = pixels(new float[] {1f}, new float[] {0f}, new float[] {0f});
        jitter.hue(red, 1, -1f / 3);
        assertArrayEquals(new float[][] {{0f}, {0f}, {1f}}, red, "red - 1/3 turn is blue");
    }

    @Test
    void hueMatchesTorchvisionsHsvRoundTrip() {
        ColorJitter jitter = new ColorJitter(0.4, 0.4, 0.2, 0.5);
        float[][] original = TestImages.planes(TestImages.noise(50, 40, 4));
        int n = 2000;
        // Ties between channels and greys, where torchvision's priority (r, then g, then b) and hue 0 apply.
        original[1][0] = original[0][0];
        original[2][1] = original[1][1];
        original[0][2] = original[2][2];
        original[1][3] = original[0][3];
        original[2][3] = original[0][3];
        original[0][4] = 0;
        original[1][4] = 0;
        original[2][4] = 0;
        for (float shift : new float[] {0.1f, -0.1f, 0.37f, -0.5f, 0.5f}) {
            float[][] ours = pixels(original[0], original[1], original[2]);
            jitter.hue(ours, n, shift);
            for (int i = 0; i < n; i++) {
                double[] expected = torchvisionHue(original[0][i], original[1][i], original[2][i], shift);
                for (int c = 0; c < 3; c++) {
                    assertEquals(expected[c], ours[c][i], 2e-6, "pixel " + i + " channel " + c + " shift " + shift);
                }
            }
        }
    }

    @Test
    void jitterIsDeterministicPerRngStateWhateverCameBefore() {
        ColorJitter jitter = new ColorJitter(0.4, 0.4, 0.2, 0.1);
        float[][] a = pixels(R, G, B);
        jitter.apply(a, 2, new SplittableRandom(8));
        jitter.apply(pixels(R, G, B), 2, new SplittableRandom(99)); // leaves a different permutation behind
        float[][] b = pixels(R, G, B);
        jitter.apply(b, 2, new SplittableRandom(8));
        assertArrayEquals(a, b);
        assertFalse(Arrays.deepEquals(a, pixels(R, G, B)));
    }

    private static double luma(int p) {
        return 0.299 * R[p] + 0.587 * G[p] + 0.114 * B[p];
    }

    /** torchvision's {@code _rgb2hsv}, {@code (h + shift) % 1}, {@code _hsv2rgb}, transcribed literally. */
    private static double[] torchvisionHue(double r, double g, double b, double shift) {
        double maxc = Math.max(r, Math.max(g, b));
        double minc = Math.min(r, Math.min(g, b));
        boolean eqc = maxc == minc;
        double cr = maxc - minc;
        double s = cr / (eqc ? 1 : maxc);
        double crDivisor = eqc ? 1 : cr;
        double rc = (maxc - r) / crDivisor;
        double gc = (maxc - g) / crDivisor;
        double bc = (maxc - b) / crDivisor;
        double hr = maxc == r ? bc - gc : 0;
        double hg = maxc == g && maxc != r ? 2.0 + rc - bc : 0;
        double hb = maxc != g && maxc != r ? 4.0 + gc - rc : 0;
        double h = floorMod((hr + hg + hb) / 6.0 + 1.0, 1.0);
        h = floorMod(h + shift, 1.0);
        double v = maxc;
        int i = (int) Math.floor(h * 6.0);
        double f = h * 6.0 - i;
        i = Math.floorMod(i, 6);
        double p = clamp(v * (1 - s));
        double q = clamp(v * (1 - s * f));
        double t = clamp(v * (1 - s * (1 - f)));
        return switch (i) {
            case 0 -> new double[] {v, t, p};
            case 1 -> new double[] {q, v, p};
            case 2 -> new double[] {p, v, t};
            case 3 -> new double[] {p, q, v};
            case 4 -> new double[] {t, p, v};
            default -> new double[] {v, p, q};
        };
    }

    private static double floorMod(double x, double m) {
        return x - Math.floor(x / m) * m;
    }

    private static double clamp(double v) {
        return Math.min(1, Math.max(0, v));
    }
}
