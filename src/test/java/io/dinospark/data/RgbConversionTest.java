package io.dinospark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.util.Random;

import org.junit.jupiter.api.Test;

class RgbConversionTest {

    /** Every fast path must agree with getRGB, also on a sub-image whose raster starts inside its buffer. */
    @Test
    void fastPathsAgreeWithGetRgbOnWholeAndSubImages() {
        int[] types = {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_INT_BGR,
            BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_BYTE_INDEXED};
        Random random = new Random(3);
        for (int type : types) {
            BufferedImage image = new BufferedImage(13, 9, type);
            for (int y = 0; y < 9; y++) {
                for (int x = 0; x < 13; x++) {
                    image.setRGB(x, y, random.nextInt());
                }
            }
            assertMatchesGetRgb(image, type);
            assertMatchesGetRgb(image.getSubimage(3, 2, 7, 5), type);
        }
    }

    @Test
    void greyKeepsItsRawValuesInEveryChannel() {
        BufferedImage grey = new BufferedImage(5, 4, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(2, 1, 0, 100);
        RgbImage img = RgbConversion.toRgb(grey.getSubimage(1, 1, 3, 2));
        for (int c = 0; c < 3; c++) {
            assertEquals(100 / 255f, img.get(c, 0, 1), 0f);
            assertEquals(0f, img.get(c, 1, 1), 0f);
        }
    }

    private static void assertMatchesGetRgb(BufferedImage image, int type) {
        RgbImage img = RgbConversion.toRgb(image);
        assertEquals(image.getWidth(), img.width());
        assertEquals(image.getHeight(), img.height());
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                for (int c = 0; c < 3; c++) {
                    assertEquals(((rgb >> (16 - 8 * c)) & 0xFF) / 255f, img.get(c, y, x), 0f,
                            "type " + type + " at " + x + "," + y + " channel " + c);
                }
            }
        }
    }
}
