package io.dinospark.augment;

import io.dinospark.data.RgbImage;

/**
 * The evaluation transform's geometry, as the reference's {@code Resize(256, BICUBIC), CenterCrop(224)} scaled to
 * any crop size: the shorter side resized to {@code size * 256 / 224} (aspect kept, PIL bicubic), then the centre
 * {@code size x size} cut out. Values stay in [0, 1]; {@link Normalization} comes after.
 */
public final class ResizeCenterCrop {

    private final int size;
    private final int shorterSide;

    public ResizeCenterCrop(int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("crop size must be positive, got " + size);
        }
        this.size = size;
        this.shorterSide = (int) Math.round(size * 256.0 / 224.0);
    }

    public RgbImage apply(RgbImage image) {
        int w = image.width();
        int h = image.height();
        // torchvision's Resize(int): the longer side truncated, as int(size * long / short).
        int outW = w <= h ? shorterSide : (int) ((long) shorterSide * w / h);
        int outH = w <= h ? (int) ((long) shorterSide * h / w) : shorterSide;
        float[][] planes = new float[3][outW * outH];
        new BicubicResize().resize(image, new CropBox(0, 0, h, w), outW, outH, false, planes);
        // torchvision's CenterCrop: offsets rounded half to even, as Python's round().
        int top = (int) Math.rint((outH - size) / 2.0);
        int left = (int) Math.rint((outW - size) / 2.0);
        float[] pixels = new float[3 * size * size];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                System.arraycopy(planes[c], (top + y) * outW + left, pixels, (c * size + y) * size, size);
            }
        }
        return new RgbImage(size, size, pixels);
    }
}
