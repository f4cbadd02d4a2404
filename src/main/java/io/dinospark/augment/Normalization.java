package io.dinospark.augment;

import java.util.List;

/** torchvision's {@code Normalize}: {@code (v - mean_c) / std_c} per channel. */
public final class Normalization {

    private final float[] mean = new float[3];
    private final float[] std = new float[3];

    public Normalization(List<Double> mean, List<Double> std) {
        if (mean.size() != 3 || std.size() != 3) {
            throw new IllegalArgumentException("need 3 means and 3 stds, got " + mean + " and " + std);
        }
        for (int c = 0; c < 3; c++) {
            this.mean[c] = mean.get(c).floatValue();
            this.std[c] = std.get(c).floatValue();
        }
    }

    /**
     * Normalises the first {@code n} values of each plane {@code rgb[c]} in place, then copies the planes one after
     * the other to {@code out} from {@code offset}. (In place first: a loop over one index is one the JIT vectorises.)
     */
    public void apply(float[][] rgb, int n, float[] out, int offset) {
        for (int c = 0; c < 3; c++) {
            float[] plane = rgb[c];
            float m = mean[c];
            float s = std[c];
            for (int i = 0; i < n; i++) {
                plane[i] = (plane[i] - m) / s;
            }
            System.arraycopy(plane, 0, out, offset + c * n, n);
        }
    }
}
