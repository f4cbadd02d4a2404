package io.dinospark.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import io.dinospark.data.RgbImage;

class ResizeCenterCropTest {

    private static RgbImage ramp(int width, int height) {
        float[] pixels = new float[3 * width * height];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    pixels[(c * height + y) * width + x] = (float) ((x * 7 + y * 13 + c * 5) % 17) / 16f;
                }
            }
        }
        return new RgbImage(width, height, pixels);
    }

    /** 28 px crops resize the shorter side to 32 (= 28 * 256 / 224): a 40x32 image keeps its size, so only the crop acts. */
    @Test
    void anImageAlreadyAtTheResizeSizeIsOnlyCentreCropped() {
        RgbImage image = ramp(40, 32);
        RgbImage out = new ResizeCenterCrop(28).apply(image);
        assertEquals(28, out.width());
        assertEquals(28, out.height());
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    assertEquals(image.get(c, y + 2, x + 6), out.get(c, y, x), 1e-6, "c " + c + " y " + y + " x " + x);
                }
            }
        }
    }

    @Test
    void aConstantImageStaysConstantAtAnyScale() {
        float[] grey = new float[3 * 50 * 90];
        java.util.Arrays.fill(grey, 0.25f);
        RgbImage out = new ResizeCenterCrop(16).apply(new RgbImage(90, 50, grey));
        assertEquals(16, out.width());
        for (float v : out.pixels()) {
            assertEquals(0.25f, v, 1e-5);
        }
    }
}
