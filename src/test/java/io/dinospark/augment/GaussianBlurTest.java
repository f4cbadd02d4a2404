package io.dinospark.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GaussianBlurTest {

    private final GaussianBlur blur = new GaussianBlur();

    @Test
    void impulseResponseSumsToOneWithVarianceSigmaSquared() {
        int size = 41;
        for (double sigma : new double[] {1.0, 1.5, 2.0}) {
            float[][] rgb = new float[3][size * size];
            for (float[] plane : rgb) {
                plane[20 * size + 20] = 1f;
            }
            blur.apply(rgb, size, size, sigma);
            for (float[] plane : rgb) {
                double sum = 0;
                double varX = 0;
                double varY = 0;
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        double v = plane[y * size + x];
                        sum += v;
                        varX += v * (x - 20) * (x - 20);
                        varY += v * (y - 20) * (y - 20);
                    }
                }
                assertEquals(1.0, sum, 1e-5, "sigma " + sigma);
                // Sampled at integers and cut at ceil(3 sigma): within a few percent of the continuous sigma^2.
                assertEquals(sigma * sigma, varX, 0.03 * sigma * sigma, "sigma " + sigma);
                assertEquals(sigma * sigma, varY, 0.03 * sigma * sigma, "sigma " + sigma);
            }
        }
    }

    @Test
    void kernelIsCutAtThreeSigmaAndNormalised() {
        double[] k = FilterTaps.gaussianKernel(1.2);
        assertEquals(2 * 4 + 1, k.length); // ceil(3.6) = 4
        assertEquals(1.0, Arrays.stream(k).sum(), 1e-12);
        assertEquals(Math.exp(-1 / (2 * 1.44)), k[5] / k[4], 1e-12);
    }

    @Test
    void edgeTapsFoldOntoTheEdgeSample() {
        FilterTaps taps = new FilterTaps();
        taps.gaussian(10, 1.0); // r = 3
        double[] k = FilterTaps.gaussianKernel(1.0);
        assertEquals(0, taps.start[0]);
        assertEquals(4, taps.count[0]);
        assertEquals(k[0] + k[1] + k[2] + k[3], taps.weights[0], 1e-6, "samples -3..0 all read sample 0");
        assertEquals(k[6], taps.weights[3], 1e-6);
        assertEquals(2, taps.start[5]);
        assertEquals(7, taps.count[5]);
    }

    @Test
    void constantImageIsUnchangedEdgesIncluded() {
        int w = 13;
        int h = 7; // smaller than the kernel: every row and column reads replicated edges
        float[][] rgb = new float[3][w * h];
        for (int c = 0; c < 3; c++) {
            Arrays.fill(rgb[c], 0.1f + 0.3f * c);
        }
        blur.apply(rgb, w, h, 2.0);
        for (int c = 0; c < 3; c++) {
            for (float v : rgb[c]) {
                assertEquals(0.1f + 0.3f * c, v, 1e-6f);
            }
        }
    }
}
