package io.dinospark.augment;

import static io.dinospark.augment.TestImages.pixels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Grayscale, solarization and normalisation, each against its one-line definition. */
class PixelOpsTest {

    @Test
    void grayscaleWritesTheLumaToAllThreeChannels() {
        float[][] rgb = pixels(new float[] {1f, 0f, 0f, 0.2f}, new float[] {0f, 1f, 0f, 0.4f},
                new float[] {0f, 0f, 1f, 0.6f});
        Grayscale.apply(rgb, 4);
        float[] luma = {0.299f, 0.587f, 0.114f, 0.299f * 0.2f + 0.587f * 0.4f + 0.114f * 0.6f};
        for (float[] plane : rgb) {
            assertArrayEquals(luma, plane, 1e-6f);
        }
    }

    @Test
    void solarizationInvertsFromTheThresholdUp() {
        float[] values = {0f, 127 / 255f, 128 / 255f, 200 / 255f, 1f};
        float[][] rgb = pixels(values, values, values);
        Solarization.apply(rgb, 5, 128);
        for (float[] plane : rgb) {
            assertArrayEquals(new float[] {0f, 127 / 255f, 1 - 128 / 255f, 1 - 200 / 255f, 0f}, plane);
        }
        float[][] none = pixels(new float[] {0.5f, 1f}, new float[] {0f, 0.9f}, new float[] {1f, 1f});
        Solarization.apply(none, 2, 256);
        assertArrayEquals(pixels(new float[] {0.5f, 1f}, new float[] {0f, 0.9f}, new float[] {1f, 1f}), none,
                "threshold 256 inverts nothing");
        float[][] all = pixels(new float[] {0f, 0.25f}, new float[] {0f, 0.25f}, new float[] {0f, 0.25f});
        Solarization.apply(all, 2, 0);
        assertArrayEquals(new float[] {1f, 0.75f}, all[1], "threshold 0 inverts everything");
    }

    @Test
    void normalizationSubtractsTheMeanAndDividesByTheStdPerChannel() {
        Normalization norm = new Normalization(List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225));
        float[][] rgb = pixels(new float[] {0.485f, 1f}, new float[] {0f, 0.456f}, new float[] {0.631f, 0.5f});
        float[] out = new float[2 + 6 + 1];
        norm.apply(rgb, 2, out, 2);
        float[] expected = {0, 0, 0f, (1 - 0.485f) / 0.229f, -0.456f / 0.224f, 0f, (0.631f - 0.406f) / 0.225f,
            (0.5f - 0.406f) / 0.225f, 0};
        assertArrayEquals(expected, out, 1e-5f);
        assertEquals(0f, out[8], "nothing written past the 3 planes");
    }
}
