package io.dinospark.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinospark.config.AugmentConfig;
import io.dinospark.config.ConfigLoader;
import io.dinospark.model.CropLayout;
import io.dinospark.config.CropConfig;
import io.dinospark.config.Range;
import io.dinospark.data.RgbImage;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MultiCropAugmentationTest {

    private static final List<Double> MEAN = List.of(0.485, 0.456, 0.406);
    private static final List<Double> STD = List.of(0.229, 0.224, 0.225);

    private final CropConfig crops = new CropConfig(32, new Range(0.4, 1.0), 3, 16, new Range(0.05, 0.4));
    private final MultiCropAugmentation augmentation =
            new MultiCropAugmentation(crops, ConfigLoader.defaults().augment());

    @Test
    void writesOneFullRowAtTheOffsetWithinTheNormalisedRange() {
        int width = augmentation.rowWidth();
        assertEquals(2 * 3 * 32 * 32 + 3 * 3 * 16 * 16, width);
        assertEquals(new CropLayout(32, 16).rowWidth(3), width);
        float[] out = new float[7 + width + 5];
        Arrays.fill(out, Float.NaN);
        augmentation.apply(image(60, 45, 1), new SplittableRandom(1), out, 7);
        for (int i = 0; i < out.length; i++) {
            if (i < 7 || i >= 7 + width) {
                assertTrue(Float.isNaN(out[i]), "wrote outside the row at " + i);
                continue;
            }
            int c = channel(i - 7);
            float lo = (float) ((0 - MEAN.get(c)) / STD.get(c));
            float hi = (float) ((1 - MEAN.get(c)) / STD.get(c));
            assertTrue(out[i] >= lo - 1e-5f && out[i] <= hi + 1e-5f, "at " + i + ": " + out[i]);
        }
    }

    @Test
    void sameImageAndRngStateGiveTheSameRowAndOtherSeedsDiffer() {
        RgbImage img = image(50, 70, 2);
        float[] a = row(img, 42);
        row(img, 7); // scratch state left by another image must not matter
        float[] b = row(img, 42);
        assertArrayEquals(a, b);
        float[] c = row(img, 43);
        assertFalse(Arrays.equals(a, c));
        // Each of the 5 views differs between the seeds.
        int[] starts = {0, 3072, 6144, 6912, 7680, 8448};
        for (int v = 0; v < 5; v++) {
            assertFalse(Arrays.equals(a, starts[v], starts[v + 1], c, starts[v], starts[v + 1]), "view " + v);
        }
    }

    @Test
    void withEveryRandomOpOffAViewIsTheNormalisedImage() {
        // Scale [1, 1] and aspect [1, 1] on a square image of the crop size: the resize is the identity.
        CropConfig whole = new CropConfig(16, new Range(1, 1), 1, 16, new Range(1, 1));
        MultiCropAugmentation plain = new MultiCropAugmentation(whole, config(0, 0));
        RgbImage img = image(16, 16, 3);
        float[] out = new float[plain.rowWidth()];
        plain.apply(img, new SplittableRandom(0), out, 0);
        float[] expected = normalised(TestImages.planes(img));
        for (int view = 0; view < 3; view++) {
            assertArrayEquals(expected, Arrays.copyOfRange(out, view * 768, (view + 1) * 768), 1e-6f, "view " + view);
        }
    }

    @Test
    void solarizationOnlyTouchesTheSecondGlobalCropAndFlipMirrors() {
        CropConfig whole = new CropConfig(16, new Range(1, 1), 1, 16, new Range(1, 1));
        MultiCropAugmentation flipAndSolarize = new MultiCropAugmentation(whole, config(1, 1));
        RgbImage img = image(16, 16, 4);
        float[] out = new float[flipAndSolarize.rowWidth()];
        flipAndSolarize.apply(img, new SplittableRandom(0), out, 0);
        RgbImage mirrored = TestImages.image(16, 16, (c, y, x) -> img.get(c, y, 15 - x));
        float[][] inverted = TestImages.planes(mirrored);
        Solarization.apply(inverted, 256, 0);
        float[] expectedPlain = normalised(TestImages.planes(mirrored));
        assertArrayEquals(expectedPlain, Arrays.copyOfRange(out, 0, 768), 1e-6f, "global 1");
        assertArrayEquals(normalised(inverted), Arrays.copyOfRange(out, 768, 1536), 1e-6f, "global 2");
        assertArrayEquals(expectedPlain, Arrays.copyOfRange(out, 1536, 2304), 1e-6f, "local");
    }

    @Test
    void rejectsARowThatDoesNotFit() {
        float[] out = new float[augmentation.rowWidth()];
        assertThrows(IllegalArgumentException.class,
                () -> augmentation.apply(image(40, 40, 0), new SplittableRandom(0), out, 1));
    }

    /** Every probability off except flip and solarize (threshold 0: every value inverted); aspect fixed at 1. */
    private static AugmentConfig config(double flipP, double solarizeP) {
        return new AugmentConfig(new Range(1, 1), flipP, 0, 0.4, 0.4, 0.2, 0.1, 0, 0, 0, 0, new Range(0.1, 2.0),
                solarizeP, 0, MEAN, STD);
    }

    private static float[] normalised(float[][] rgb) {
        float[] out = new float[3 * rgb[0].length];
        new Normalization(MEAN, STD).apply(rgb, rgb[0].length, out, 0);
        return out;
    }

    private float[] row(RgbImage img, long seed) {
        float[] out = new float[augmentation.rowWidth()];
        augmentation.apply(img, new SplittableRandom(seed), out, 0);
        return out;
    }

    /** Channel of position {@code i} of a row of 2 global crops (32 px) and local crops (16 px). */
    private static int channel(int i) {
        int global = 3 * 32 * 32;
        if (i < 2 * global) {
            return (i % global) / (32 * 32);
        }
        return ((i - 2 * global) % (3 * 16 * 16)) / (16 * 16);
    }

    private static RgbImage image(int width, int height, long seed) {
        return TestImages.natural(width, height, seed);
    }
}
