package io.dinospark.augment;

import io.dinospark.data.RgbImage;

/**
 * PIL's {@code Image.resize(..., BICUBIC)} of one box of an image, fused with the crop so that only the box is
 * resampled: the cubic kernel with a = -0.5, widened by in/out when downscaling (antialiasing), weights normalised
 * per output pixel and cut at the box's edges, as PIL's {@code precompute_coeffs}; result clamped to [0, 1]. In
 * float the order of the two passes only changes rounding; PIL, in 8 bits, also clips between them, which differs
 * from our one clamp only where the kernel overshoots. Holds scratch buffers: one instance per thread.
 */
public final class BicubicResize {

    private final FilterTaps vertical = new FilterTaps();
    private final FilterTaps horizontal = new FilterTaps();
    private final SeparableFilter filter = new SeparableFilter();

    /**
     * Resizes {@code box} of {@code image} to {@code outWidth x outHeight}, mirrored left-right if {@code mirror},
     * into the planes {@code rgb[0..2]} (row-major, from index 0).
     */
    public void resize(RgbImage image, CropBox box, int outWidth, int outHeight, boolean mirror, float[][] rgb) {
        int width = image.width();
        int height = image.height();
        if (box.top() + box.height() > height || box.left() + box.width() > width) {
            throw new IllegalArgumentException(box + " is outside a " + width + "x" + height + " image");
        }
        vertical.bicubic(box.height(), outHeight);
        horizontal.bicubic(box.width(), outWidth);
        for (int c = 0; c < 3; c++) {
            filter.apply(image.pixels(), c * width * height, width, box, vertical, horizontal, mirror, rgb[c]);
        }
    }
}
