package io.dinospark.augment;

import io.dinospark.config.Range;
import java.util.SplittableRandom;

/**
 * torchvision's {@code RandomResizedCrop.get_params}: a box of random area fraction in {@code scale} and
 * log-uniform aspect ratio (width / height) in {@code ratio}; after 10 misses, a center crop of clamped aspect.
 * The box is then resized to {@code size x size} by {@link BicubicResize}.
 */
public final class RandomResizedCrop {

    private static final int ATTEMPTS = 10;

    private final int size;
    private final Range scale;
    private final double logRatioMin;
    private final double logRatioMax;
    private final Range ratio;

    public RandomResizedCrop(int size, Range scale, Range ratio) {
        if (size <= 0) {
            throw new IllegalArgumentException("crop size must be > 0, got " + size);
        }
        this.size = size;
        this.scale = scale;
        this.ratio = ratio;
        this.logRatioMin = Math.log(ratio.min());
        this.logRatioMax = Math.log(ratio.max());
    }

    /** Side of the resized crop, in pixels. */
    public int size() {
        return size;
    }

    /** A crop box of a {@code width x height} image, drawn from {@code rng}. */
    public CropBox sample(int width, int height, SplittableRandom rng) {
        double area = (double) width * height;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double targetArea = area * uniform(rng, scale.min(), scale.max());
            double aspect = Math.exp(uniform(rng, logRatioMin, logRatioMax));
            // Math.rint rounds half to even, as Python's round() does.
            int w = (int) Math.rint(Math.sqrt(targetArea * aspect));
            int h = (int) Math.rint(Math.sqrt(targetArea / aspect));
            if (0 < w && w <= width && 0 < h && h <= height) {
                int top = rng.nextInt(height - h + 1);
                int left = rng.nextInt(width - w + 1);
                return new CropBox(top, left, h, w);
            }
        }
        // Fallback: the whole image, cut to the nearest allowed aspect ratio, centred.
        double inRatio = (double) width / height;
        int w;
        int h;
        if (inRatio < ratio.min()) {
            w = width;
            h = Math.max(1, (int) Math.rint(w / ratio.min()));
        } else if (inRatio > ratio.max()) {
            h = height;
            w = Math.max(1, (int) Math.rint(h * ratio.max()));
        } else {
            w = width;
            h = height;
        }
        return new CropBox((height - h) / 2, (width - w) / 2, h, w);
    }

    /** Uniform in {@code [min, max)}; unlike {@code SplittableRandom.nextDouble(a, b)}, allows {@code min == max}. */
    static double uniform(SplittableRandom rng, double min, double max) {
        return min + (max - min) * rng.nextDouble();
    }
}
