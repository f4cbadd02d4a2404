package io.dinospark.augment;

import java.util.List;

import io.dinospark.data.RgbImage;

/**
 * The one view evaluation takes of an image, as the reference's k-NN, linear evaluation and attention maps do
 * ({@link ResizeCenterCrop}, then {@link Normalization}), packed channels-first. No randomness. Holds scratch
 * buffers: one instance per thread.
 */
public final class EvaluationView {

    private final ResizeCenterCrop geometry;
    private final Normalization normalization;
    private final float[][] planes;
    private final int size;

    public EvaluationView(int size, List<Double> mean, List<Double> std) {
        this.geometry = new ResizeCenterCrop(size);
        this.normalization = new Normalization(mean, std);
        this.planes = new float[3][size * size];
        this.size = size;
    }

    /** Length of the row {@link #apply} writes: 3 x size x size. */
    public int rowWidth() {
        return 3 * size * size;
    }

    /** The resized and centre-cropped image, values still in [0, 1]. */
    public RgbImage crop(RgbImage image) {
        return geometry.apply(image);
    }

    /** Writes {@code image}'s view, normalised and channels-first, to {@code out} from {@code offset}. */
    public void apply(RgbImage image, float[] out, int offset) {
        normalise(crop(image), out, offset);
    }

    /** Normalises an image {@link #crop} made into {@code out} from {@code offset}. */
    public void normalise(RgbImage cropped, float[] out, int offset) {
        int n = size * size;
        for (int c = 0; c < 3; c++) {
            System.arraycopy(cropped.pixels(), c * n, planes[c], 0, n);
        }
        normalization.apply(planes, n, out, offset);
    }
}
