package io.dinospark.augment;

import java.util.Arrays;

/**
 * The taps of a 1-D linear filter that maps {@code inSize} samples to {@code outSize}: output {@code i} is
 * {@code sum_j weights[i * ksize + j] * input[start[i] + j]} for {@code j < count[i]}. Computed once per crop and
 * axis, so the pixel loops only multiply and add. Reused between crops, so one instance per thread.
 */
final class FilterTaps {

    private static final double CUBIC_SUPPORT = 2.0;

    int inSize;
    int outSize;
    int ksize;
    int[] start = new int[0];
    int[] count = new int[0];
    float[] weights = new float[0];

    /** PIL's {@code precompute_coeffs} for its BICUBIC filter, resizing {@code inSize} samples to {@code outSize}. */
    void bicubic(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        // Downscaling widens the kernel by the scale: PIL's antialiasing.
        double filterScale = Math.max(scale, 1.0);
        double support = CUBIC_SUPPORT * filterScale;
        reset(inSize, outSize, (int) Math.ceil(support) * 2 + 1);
        double inverse = 1.0 / filterScale;
        double[] w = new double[ksize];
        for (int i = 0; i < outSize; i++) {
            double center = (i + 0.5) * scale;
            // (int) truncates toward zero, as PIL's C cast does.
            int min = Math.max(0, (int) (center - support + 0.5));
            int n = Math.min(inSize, (int) (center + support + 0.5)) - min;
            double total = 0;
            for (int j = 0; j < n; j++) {
                w[j] = cubic((j + min - center + 0.5) * inverse);
                total += w[j];
            }
            if (total != 0) {
                for (int j = 0; j < n; j++) {
                    w[j] /= total;
                }
            }
            // Taps of weight exactly 0 (the kernel's zeros at +-1 and +-2 when not scaling) only cost time.
            int from = 0;
            while (from < n - 1 && w[from] == 0) {
                from++;
            }
            int to = n;
            while (to > from + 1 && w[to - 1] == 0) {
                to--;
            }
            set(i, min + from, w, from, to - from);
        }
    }

    /**
     * A Gaussian of standard deviation {@code sigma} over {@code size} samples, cut at {@code ceil(3 sigma)} and
     * normalised; taps beyond an edge read the edge sample (replicate padding), so their weight is added to it.
     */
    void gaussian(int size, double sigma) {
        int r = (int) Math.ceil(3 * sigma);
        double[] kernel = gaussianKernel(sigma);
        reset(size, size, Math.min(2 * r + 1, size));
        double[] w = new double[ksize];
        for (int i = 0; i < size; i++) {
            int min = Math.max(0, i - r);
            int max = Math.min(size - 1, i + r);
            Arrays.fill(w, 0);
            for (int j = -r; j <= r; j++) {
                int source = Math.min(size - 1, Math.max(0, i + j));
                w[source - min] += kernel[j + r];
            }
            set(i, min, w, 0, max - min + 1);
        }
    }

    /** The normalised Gaussian taps {@code -r .. r}, {@code r = ceil(3 sigma)}. */
    static double[] gaussianKernel(double sigma) {
        int r = (int) Math.ceil(3 * sigma);
        double[] k = new double[2 * r + 1];
        double total = 0;
        for (int j = -r; j <= r; j++) {
            k[j + r] = Math.exp(-(double) j * j / (2 * sigma * sigma));
            total += k[j + r];
        }
        for (int j = 0; j < k.length; j++) {
            k[j] /= total;
        }
        return k;
    }

    /** The bicubic kernel with a = -0.5, as PIL's {@code bicubic_filter}. */
    static double cubic(double x) {
        double a = -0.5;
        x = Math.abs(x);
        if (x < 1.0) {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }

    private void reset(int inSize, int outSize, int ksize) {
        this.inSize = inSize;
        this.outSize = outSize;
        this.ksize = ksize;
        if (start.length < outSize) {
            start = new int[outSize];
            count = new int[outSize];
        }
        if (weights.length < outSize * ksize) {
            weights = new float[outSize * ksize];
        }
    }

    private void set(int i, int first, double[] w, int from, int n) {
        start[i] = first;
        count[i] = n;
        for (int j = 0; j < n; j++) {
            weights[i * ksize + j] = (float) w[from + j];
        }
    }
}
