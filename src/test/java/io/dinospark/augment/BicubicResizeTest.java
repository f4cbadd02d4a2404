package io.dinospark.augment;

import static io.dinospark.augment.TestImages.image;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinospark.data.RgbImage;
import org.junit.jupiter.api.Test;

class BicubicResizeTest {

    private final BicubicResize resize = new BicubicResize();

    @Test
    void constantImageStaysConstant() {
        RgbImage flat = image(37, 23, (c, y, x) -> 0.2f + 0.3f * c);
        for (int[] out : new int[][] {{16, 16}, {30, 19}, {50, 9}, {3, 40}}) {
            float[][] rgb = resize(flat, new CropBox(2, 5, 19, 30), out[0], out[1], false);
            for (int c = 0; c < 3; c++) {
                for (float v : rgb[c]) {
                    assertEquals(0.2f + 0.3f * c, v, 1e-6f);
                }
            }
        }
    }

    @Test
    void identitySizeKeepsValuesExactly() {
        RgbImage img = image(12, 9, (c, y, x) -> ((x * 7 + y * 13 + c * 5) % 11) / 10f);
        float[][] rgb = resize(img, new CropBox(0, 0, 9, 12), 12, 9, false);
        assertArrayEquals(TestImages.planes(img), rgb);
    }

    @Test
    void downscalingACheckerboardAveragesIt() {
        RgbImage checker = image(64, 64, (c, y, x) -> (x + y) % 2);
        float[][] rgb = resize(checker, new CropBox(0, 0, 64, 64), 8, 8, false);
        // Antialiased: the kernel spans 8 source pixels per side. Point-sampling bicubic would return 0s and 1s.
        for (float[] plane : rgb) {
            for (float v : plane) {
                assertEquals(0.5f, v, 0.01f);
            }
        }
    }

    /** Reference values: PIL 9.4, mode "F", {@code img.crop((3, 2, 16, 13)).resize((w, h), Image.BICUBIC)}. */
    @Test
    void matchesPilOnACroppedBox() {
        RgbImage img = image(20, 15, (c, y, x) -> ((x * 7 + y * 13) % 11) / 10f);
        CropBox box = new CropBox(2, 3, 11, 13);
        float[] pil5x4 = {
            0.549139f, 0.478517f, 0.515451f, 0.471636f, 0.487304f,
            0.495722f, 0.530859f, 0.460529f, 0.544220f, 0.462614f,
            0.426135f, 0.540882f, 0.467470f, 0.524593f, 0.473123f,
            0.530775f, 0.453733f, 0.551548f, 0.463216f, 0.573359f};
        float[] pil6x3 = {
            0.534764f, 0.530322f, 0.446990f, 0.557003f, 0.442290f, 0.499346f,
            0.433758f, 0.541794f, 0.487636f, 0.474554f, 0.554660f, 0.442052f,
            0.526032f, 0.439815f, 0.561452f, 0.462064f, 0.511060f, 0.550050f};
        for (float[] plane : resize(img, box, 5, 4, false)) {
            assertArrayEquals(pil5x4, plane, 2e-6f);
        }
        for (float[] plane : resize(img, box, 6, 3, false)) {
            assertArrayEquals(pil6x3, plane, 2e-6f);
        }
        // Upscaling overshoots; PIL's "F" mode keeps that, we clamp to [0, 1].
        float[] pilRow0 = {0.260109f, 0.879416f, 0.868742f, 0.404975f, 0.256465f, 0.934923f, 0.608443f, 0.172076f,
            0.350320f, 0.776753f, 0.377800f, -0.007860f, 0.488968f, 0.508933f, 0.456281f, 1.072021f};
        float[] up = resize(img, box, 16, 14, false)[0];
        for (int x = 0; x < 16; x++) {
            assertEquals(Math.min(1f, Math.max(0f, pilRow0[x])), up[x], 2e-6f, "x " + x);
        }
    }

    @Test
    void fusedCropEqualsCropThenResize() {
        RgbImage img = TestImages.noise(40, 30, 3);
        CropBox box = new CropBox(4, 7, 21, 25);
        RgbImage cropped = image(25, 21, (c, y, x) -> img.get(c, y + 4, x + 7));
        float[][] fused = resize(img, box, 11, 13, false);
        float[][] separate = resize(cropped, new CropBox(0, 0, 21, 25), 11, 13, false);
        for (int c = 0; c < 3; c++) {
            assertArrayEquals(separate[c], fused[c], 1e-7f);
        }
    }

    @Test
    void mirrorFlipsEveryRow() {
        RgbImage img = TestImages.noise(30, 20, 5);
        CropBox box = new CropBox(1, 2, 17, 23);
        float[][] plain = resize(img, box, 9, 7, false);
        float[][] mirrored = resize(img, box, 9, 7, true);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 7; y++) {
                for (int x = 0; x < 9; x++) {
                    assertEquals(plain[c][y * 9 + x], mirrored[c][y * 9 + 8 - x], 1e-6f);
                }
            }
        }
    }

    @Test
    void clampsOvershootToTheUnitRange() {
        RgbImage edge = image(8, 8, (c, y, x) -> x < 4 ? 0f : 1f); // a hard edge makes the cubic overshoot
        for (float[] plane : resize(edge, new CropBox(0, 0, 8, 8), 20, 20, false)) {
            for (float v : plane) {
                assertTrue(v >= 0f && v <= 1f, "value " + v);
            }
        }
    }

    @Test
    void rejectsABoxOutsideTheImage() {
        RgbImage img = TestImages.noise(10, 10, 0);
        float[][] out = new float[3][16];
        assertThrows(IllegalArgumentException.class,
                () -> resize.resize(img, new CropBox(5, 0, 6, 4), 4, 4, false, out));
    }

    @Test
    void cubicKernelIsPils() {
        assertEquals(1.0, FilterTaps.cubic(0), 0);
        assertEquals(0.0, FilterTaps.cubic(1), 0);
        assertEquals(0.0, FilterTaps.cubic(2), 0);
        assertEquals(0.8671875, FilterTaps.cubic(0.25), 1e-12);
        assertEquals(-0.0703125, FilterTaps.cubic(-1.25), 1e-12);
    }

    private float[][] resize(RgbImage img, CropBox box, int outW, int outH, boolean mirror) {
        float[][] rgb = new float[3][outW * outH];
        resize.resize(img, box, outW, outH, mirror, rgb);
        return rgb;
    }
}
