package io.dinospark.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;

/**
 * Turns a decoded {@link BufferedImage} into channels-first RGB in [0, 1], dropping alpha without compositing.
 * The common layouts (8-bit interleaved RGB, RGBA, grey; packed int RGB) are read straight from the raster's data
 * buffer; deeper grey and sRGB samples through the raster; everything else (palettes, CMYK, non-sRGB profiles)
 * through {@code getRGB}, which converts to sRGB.
 */
final class RgbConversion {

    private RgbConversion() {
    }

    static RgbImage toRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[] out = new float[3 * w * h];
        if (!interleavedBytes(image, out) && !packedInts(image, out) && !componentSamples(image, out)) {
            viaGetRgb(image, out);
        }
        return new RgbImage(w, h, out);
    }

    /** Grey keeps its raw values in every channel (as PIL does), rather than being treated as linear light. */
    private static int colourBands(ColorModel cm) {
        if (!(cm instanceof ComponentColorModel) || cm.isAlphaPremultiplied()) {
            return 0;
        }
        ColorSpace cs = cm.getColorSpace();
        if (cs.getType() == ColorSpace.TYPE_GRAY) {
            return 1;
        }
        return cs.isCS_sRGB() ? 3 : 0;
    }

    /** TYPE_3BYTE_BGR, TYPE_4BYTE_ABGR, TYPE_BYTE_GRAY, and the 8-bit RGB, RGBA, grey and grey+alpha of PNG. */
    private static boolean interleavedBytes(BufferedImage image, float[] out) {
        Raster raster = image.getRaster();
        int bands = colourBands(image.getColorModel());
        if (bands == 0 || !(raster.getDataBuffer() instanceof DataBufferByte buffer) || buffer.getNumBanks() != 1
                || !(raster.getSampleModel() instanceof ComponentSampleModel sm) || !eightBit(image.getColorModel())) {
            return false;
        }
        byte[] data = buffer.getData();
        int[] offsets = sm.getBandOffsets();
        int pixelStride = sm.getPixelStride();
        int rowStride = sm.getScanlineStride();
        int base = buffer.getOffset() + (raster.getMinY() - raster.getSampleModelTranslateY()) * rowStride
                + (raster.getMinX() - raster.getSampleModelTranslateX()) * pixelStride;
        int w = image.getWidth();
        int h = image.getHeight();
        int plane = w * h;
        for (int c = 0; c < 3; c++) {
            int band = offsets[bands == 1 ? 0 : c];
            int o = c * plane;
            for (int y = 0; y < h; y++) {
                int i = base + y * rowStride + band;
                for (int x = 0; x < w; x++, i += pixelStride) {
                    out[o++] = (data[i] & 0xFF) / 255f;
                }
            }
        }
        return true;
    }

    /** TYPE_INT_RGB, TYPE_INT_ARGB, TYPE_INT_BGR: one packed int per pixel, 8 bits per colour. */
    private static boolean packedInts(BufferedImage image, float[] out) {
        Raster raster = image.getRaster();
        if (!(image.getColorModel() instanceof DirectColorModel cm) || !cm.getColorSpace().isCS_sRGB()
                || !eightBit(cm) || !(raster.getDataBuffer() instanceof DataBufferInt buffer)
                || buffer.getNumBanks() != 1 || !(raster.getSampleModel() instanceof SinglePixelPackedSampleModel sm)) {
            return false;
        }
        int[] data = buffer.getData();
        int rowStride = sm.getScanlineStride();
        int base = buffer.getOffset() + (raster.getMinY() - raster.getSampleModelTranslateY()) * rowStride
                + raster.getMinX() - raster.getSampleModelTranslateX();
        int[] shifts = {shift(cm.getRedMask()), shift(cm.getGreenMask()), shift(cm.getBlueMask())};
        int w = image.getWidth();
        int h = image.getHeight();
        int plane = w * h;
        for (int y = 0; y < h; y++) {
            int i = base + y * rowStride;
            int o = y * w;
            for (int x = 0; x < w; x++, i++, o++) {
                int p = data[i];
                out[o] = ((p >>> shifts[0]) & 0xFF) / 255f;
                out[plane + o] = ((p >>> shifts[1]) & 0xFF) / 255f;
                out[2 * plane + o] = ((p >>> shifts[2]) & 0xFF) / 255f;
            }
        }
        return true;
    }

    /** 16-bit grey and RGB (PNG), and any other integer grey or sRGB components, scaled by their bit depth. */
    private static boolean componentSamples(BufferedImage image, float[] out) {
        ColorModel cm = image.getColorModel();
        int bands = colourBands(cm);
        int type = image.getRaster().getDataBuffer().getDataType();
        if (bands == 0 || (type != DataBuffer.TYPE_BYTE && type != DataBuffer.TYPE_USHORT)) {
            return false;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        int plane = w * h;
        int[] samples = new int[w];
        Raster raster = image.getRaster();
        for (int c = 0; c < 3; c++) {
            int band = bands == 1 ? 0 : c;
            float max = (1 << cm.getComponentSize(band)) - 1;
            for (int y = 0; y < h; y++) {
                raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, band, samples);
                int o = c * plane + y * w;
                for (int x = 0; x < w; x++) {
                    out[o + x] = samples[x] / max;
                }
            }
        }
        return true;
    }

    private static void viaGetRgb(BufferedImage image, float[] out) {
        int w = image.getWidth();
        int h = image.getHeight();
        int plane = w * h;
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            int o = y * w;
            for (int x = 0; x < w; x++, o++) {
                int p = row[x];
                out[o] = ((p >>> 16) & 0xFF) / 255f;
                out[plane + o] = ((p >>> 8) & 0xFF) / 255f;
                out[2 * plane + o] = (p & 0xFF) / 255f;
            }
        }
    }

    private static boolean eightBit(ColorModel cm) {
        for (int size : cm.getComponentSize()) {
            if (size != 8) {
                return false;
            }
        }
        return true;
    }

    private static int shift(int mask) {
        return Integer.numberOfTrailingZeros(mask);
    }
}
