package io.dinospark.augment;

/**
 * DINO's {@code GaussianBlur} (PIL's {@code ImageFilter.GaussianBlur(radius)}) as a true separable Gaussian of
 * standard deviation {@code sigma = radius}, cut at {@code ceil(3 sigma)}, normalised, edges replicated. PIL
 * approximates that Gaussian with three box blurs in 8 bits; the exact one is what it aims at. Holds scratch
 * buffers: one instance per thread.
 */
public final class GaussianBlur {

    private final FilterTaps vertical = new FilterTaps();
    private final FilterTaps horizontal = new FilterTaps();
    private final SeparableFilter filter = new SeparableFilter();

    /** Blurs the planes {@code rgb[0..2]} ({@code width x height}, row-major) in place. */
    public void apply(float[][] rgb, int width, int height, double sigma) {
        vertical.gaussian(height, sigma);
        horizontal.gaussian(width, sigma);
        CropBox whole = new CropBox(0, 0, height, width);
        for (float[] plane : rgb) {
            filter.apply(plane, 0, width, whole, vertical, horizontal, false, plane);
        }
    }
}
