package io.dinospark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import org.junit.jupiter.api.Test;

import io.dinospark.data.UndecodableImageException.Reason;

class ImageDecoderTest {

    private static final int W = 24;
    private static final int H = 16;

    /** A smooth known pattern (8-bit), smooth so that JPEG keeps it within a small tolerance. */
    private static int pattern(int c, int y, int x) {
        return switch (c) {
            case 0 -> 20 + 9 * x;
            case 1 -> 30 + 13 * y;
            default -> 200 - 4 * x - 3 * y;
        };
    }

    private static BufferedImage rgbPattern(int type) {
        BufferedImage image = new BufferedImage(W, H, type);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int alpha = (x * 11) & 0xFF; // includes 0: alpha must be dropped, not composited
                image.setRGB(x, y, alpha << 24 | pattern(0, y, x) << 16 | pattern(1, y, x) << 8 | pattern(2, y, x));
            }
        }
        return image;
    }

    private static void assertPattern(RgbImage img, double tolerance) {
        assertEquals(W, img.width());
        assertEquals(H, img.height());
        double worst = 0;
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    worst = Math.max(worst, Math.abs(img.get(c, y, x) - pattern(c, y, x) / 255f));
                }
            }
        }
        assertTrue(worst <= tolerance, "largest difference " + worst + " over " + tolerance);
    }

    static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, format, bytes), "no " + format + " writer for " + image);
        return bytes.toByteArray();
    }

    private static byte[] jpeg(BufferedImage image, boolean progressive) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.95f);
        if (progressive) {
            param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    @Test
    void baselineAndProgressiveJpegDecodeWithinTolerance() throws IOException {
        BufferedImage image = rgbPattern(BufferedImage.TYPE_3BYTE_BGR);
        byte[] baseline = jpeg(image, false);
        byte[] progressive = jpeg(image, true);
        assertTrue(!Arrays.equals(baseline, progressive));
        // Chroma is subsampled 2x2, so colour edges of the gradient move by a few levels.
        assertPattern(ImageDecoder.decode(baseline, "baseline.jpg"), 12 / 255.0);
        assertPattern(ImageDecoder.decode(progressive, "progressive.jpg"), 12 / 255.0);
    }

    @Test
    void rgbAndRgbaPngDecodeExactlyAndDropAlpha() throws IOException {
        assertPattern(ImageDecoder.decode(encode(rgbPattern(BufferedImage.TYPE_INT_RGB), "png"), "rgb.png"), 0);
        assertPattern(ImageDecoder.decode(encode(rgbPattern(BufferedImage.TYPE_INT_ARGB), "png"), "rgba.png"), 0);
    }

    @Test
    void sixteenBitRgbPngScalesByItsDepth() throws IOException {
        ImageTypeSpecifier spec = ImageTypeSpecifier.createInterleaved(ColorSpace.getInstance(ColorSpace.CS_sRGB),
                new int[] {0, 1, 2}, DataBuffer.TYPE_USHORT, false, false);
        BufferedImage image = spec.createBufferedImage(W, H);
        WritableRaster raster = image.getRaster();
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    raster.setSample(x, y, c, pattern(c, y, x) * 257);
                }
            }
        }
        assertPattern(ImageDecoder.decode(encode(image, "png"), "rgb16.png"), 1e-6);
    }

    @Test
    void greyPngsGiveEqualChannelsWithTheirRawValues() throws IOException {
        BufferedImage grey8 = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage grey16 = new BufferedImage(W, H, BufferedImage.TYPE_USHORT_GRAY);
        BufferedImage greyAlpha = ImageTypeSpecifier.createGrayscale(8, DataBuffer.TYPE_BYTE, false, false)
                .createBufferedImage(W, H);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                grey8.getRaster().setSample(x, y, 0, pattern(0, y, x));
                grey16.getRaster().setSample(x, y, 0, pattern(0, y, x) * 257 + 1);
                greyAlpha.getRaster().setSample(x, y, 0, pattern(0, y, x));
                greyAlpha.getRaster().setSample(x, y, 1, x * 11);
            }
        }
        RgbImage a = ImageDecoder.decode(encode(grey8, "png"), "grey8.png");
        RgbImage b = ImageDecoder.decode(encode(grey16, "png"), "grey16.png");
        RgbImage d = ImageDecoder.decode(encode(greyAlpha, "png"), "grey-alpha.png");
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < H; y++) {
                for (int x = 0; x < W; x++) {
                    assertEquals(pattern(0, y, x) / 255f, a.get(c, y, x), 0f);
                    assertEquals((pattern(0, y, x) * 257 + 1) / 65535f, b.get(c, y, x), 1e-7f);
                    assertEquals(pattern(0, y, x) / 255f, d.get(c, y, x), 0f);
                }
            }
        }
    }

    @Test
    void palettePngDecodesToItsPaletteColours() throws IOException {
        BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_BYTE_INDEXED);
        IndexColorModel palette = (IndexColorModel) image.getColorModel();
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                image.getRaster().setSample(x, y, 0, (x * 7 + y * 3) % palette.getMapSize());
            }
        }
        RgbImage img = ImageDecoder.decode(encode(image, "png"), "palette.png");
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int rgb = palette.getRGB(image.getRaster().getSample(x, y, 0));
                assertEquals(((rgb >> 16) & 0xFF) / 255f, img.get(0, y, x), 0f);
                assertEquals(((rgb >> 8) & 0xFF) / 255f, img.get(1, y, x), 0f);
                assertEquals((rgb & 0xFF) / 255f, img.get(2, y, x), 0f);
            }
        }
    }

    @Test
    void cmykJpegDecodesToItsColours() throws IOException {
        // Made with ImageMagick 6.9: 8x12 blocks of C0M100Y100K0, C100M0Y100K0, C100M100Y0K0 (Adobe APP14, CMYK).
        byte[] bytes;
        try (InputStream in = getClass().getResourceAsStream("/images/cmyk-red-green-blue.jpg")) {
            assertNotNull(in);
            bytes = in.readAllBytes();
        }
        RgbImage img = ImageDecoder.decode(bytes, "cmyk.jpg");
        assertEquals(24, img.width());
        assertEquals(12, img.height());
        for (int block = 0; block < 3; block++) {
            int x = block * 8 + 4;
            // ImageMagick itself reads these inks as the pure primaries; a CMYK profile may move them a little.
            for (int c = 0; c < 3; c++) {
                assertEquals(c == block ? 1f : 0f, img.get(c, 6, x), 0.2f, "block " + block + " channel " + c);
            }
        }
    }

    @Test
    void emptyFileIsRefused() {
        assertRefused(new byte[0], "empty.jpg", Reason.EMPTY, "empty");
    }

    @Test
    void truncatedJpegIsCorrupt() throws IOException {
        Random random = new Random(7);
        BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                image.setRGB(x, y, random.nextInt());
            }
        }
        byte[] whole = jpeg(image, false);
        assertEquals(64, ImageDecoder.decode(whole, "whole.jpg").width());
        assertRefused(Arrays.copyOf(whole, whole.length / 2), "half.jpg", Reason.CORRUPT, "JPEG");
        byte[] progressive = jpeg(image, true);
        assertRefused(Arrays.copyOf(progressive, progressive.length / 2), "half-progressive.jpg", Reason.CORRUPT,
                "JPEG");
    }

    @Test
    void truncatedPngIsCorrupt() throws IOException {
        byte[] whole = encode(rgbPattern(BufferedImage.TYPE_INT_RGB), "png");
        assertRefused(Arrays.copyOf(whole, whole.length / 2), "half.png", Reason.CORRUPT, "PNG");
    }

    @Test
    void randomBytesAndTextAreNotImages() {
        byte[] noise = new byte[4096];
        new Random(42).nextBytes(noise);
        assertRefused(noise, "noise.bin", Reason.NOT_AN_IMAGE, "ImageIO");
        byte[] text = "a text file, not a picture\nsecond line\n".getBytes(StandardCharsets.UTF_8);
        assertRefused(text, "notes.txt", Reason.NOT_AN_IMAGE, "61 20 74 65");
    }

    @Test
    void decompressionBombIsRefusedFromItsHeader() throws IOException {
        byte[] png = encode(rgbPattern(BufferedImage.TYPE_INT_RGB), "png");
        assertRefused(withPngSize(png, 100_000, 100_000), "bomb.png", Reason.TOO_LARGE, "100000x100000");
        // Few pixels, but a side over the limit.
        assertRefused(withPngSize(png, 70_000, 1), "long.png", Reason.TOO_LARGE, "70000x1");
    }

    /** Patches the IHDR width and height and recomputes its CRC, as a hostile file would. */
    private static byte[] withPngSize(byte[] png, int width, int height) {
        byte[] b = png.clone();
        assertEquals("IHDR", new String(b, 12, 4, StandardCharsets.US_ASCII));
        putInt(b, 16, width);
        putInt(b, 20, height);
        CRC32 crc = new CRC32();
        crc.update(b, 12, 17); // chunk type and its 13 data bytes
        putInt(b, 29, (int) crc.getValue());
        return b;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static void assertRefused(byte[] bytes, String name, Reason reason, String detail) {
        UndecodableImageException e =
                assertThrows(UndecodableImageException.class, () -> ImageDecoder.decode(bytes, name));
        assertEquals(reason, e.reason(), e.getMessage());
        assertEquals(name, e.name());
        assertTrue(e.getMessage().startsWith(name + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(detail), e.getMessage());
        assertTrue(e.getMessage().contains("expected"), e.getMessage());
    }
}
