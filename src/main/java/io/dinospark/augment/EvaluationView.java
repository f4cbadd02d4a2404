package io.dinospark.augment;

import java.util.List;

import io.dinospark.data.RgbImage;

/**
 * The one view evaluation takes of an image, as the reference's k-NN and linear evaluation do (resize 256,
 * center crop 224, normalise): the shorter side resized (bicubic) to {@code size * 256 / 224}, the center
 * {@code size x size} cut out, normalised, packed channels-first. No randomness. Holds scratch buffers: one
 * instance per thread.
 */
public final class EvaluationView {

    private final int size;
    private final int resizeTo;
    private final Normalization normalization;
    private final BicubicResize resize = new BicubicResize();
    private final float[][] center;

    public EvaluationView(int size, List<Double> mean, List<Double> std) {
        if (size <= 0) {
            throw new IllegalArgumentException("the evaluation view's size must be > 0, got " + size);
        }
        this.size = size;
        this.resizeTo = (int) Math.round(size * 256.0 / 224.0);
        this.normalization = new Normalization(mean, std);
        this.center = new float[3][size * size];
    }

    /** Length of the row {@link #apply} writes: 3 x size x size. */
    public int rowWidth() {
        return 3 * size * size;
    }

    /** Writes {@code image}'s view, normalised and channels-first, to {@code out} from {@code offset}. */
    public void apply(RgbImage image, float[] out, int offset) {
        int w = image.width();
        int h = image.height();
        // torchvision's Resize(int): the shorter side becomes resizeTo, the longer one keeps the aspect (truncated).
        int outW = w <= h ? resizeTo : (int) ((long) resizeTo * w / h);
        int outH = w <= h ? (int) ((long) resizeTo * h / w) : resizeTo;
        float[][] resized = new float[3][outW * outH];
        resize.resize(image, new CropBox(0, 0, h, w), outW, outH, false, resized);
        // torchvision's CenterCrop: offsets rounded; a resized side shorter than the crop cannot happen (256 > 224).
        int top = (int) Math.round((outH - size) / 2.0);
        int left = (int) Math.round((outW - size) / 2.0);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                System.arraycopy(resized[c], (top + y) * outW + left, center[c], y * size, size);
            }
        }
        normalization.apply(center, size * size, out, offset);
    }
}
