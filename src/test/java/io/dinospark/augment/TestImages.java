package io.dinospark.augment;

import io.dinospark.data.RgbImage;
import java.util.SplittableRandom;

/** Small hand-made images for the augmentation tests. */
final class TestImages {

    private TestImages() {
    }

    interface Pixel {
        float at(int c, int y, int x);
    }

    /** A {@code width x height} image with the given value per channel, row and column. */
    static RgbImage image(int width, int height, Pixel pixel) {
        float[] px = new float[3 * width * height];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    px[(c * height + y) * width + x] = pixel.at(c, y, x);
                }
            }
        }
        return new RgbImage(width, height, px);
    }

    /** The 3 planes of {@code image}, as separate arrays. */
    static float[][] planes(RgbImage image) {
        int n = image.width() * image.height();
        float[][] rgb = new float[3][n];
        for (int c = 0; c < 3; c++) {
            System.arraycopy(image.pixels(), c * n, rgb[c], 0, n);
        }
        return rgb;
    }

    /** Pixels given as {R values, G values, B values}. */
    static float[][] pixels(float[] r, float[] g, float[] b) {
        return new float[][] {r.clone(), g.clone(), b.clone()};
    }

    /** A smooth colourful image with some noise, values in [0, 1]. */
    static RgbImage natural(int width, int height, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return image(width, height, (c, y, x) -> (float) Math.min(1, Math.max(0,
                0.5 + 0.35 * Math.sin(0.11 * x * (c + 1) + 0.07 * y) + 0.15 * (rng.nextDouble() - 0.5))));
    }

    /** Independent uniform values in [0, 1). */
    static RgbImage noise(int width, int height, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return image(width, height, (c, y, x) -> (float) rng.nextDouble());
    }
}
