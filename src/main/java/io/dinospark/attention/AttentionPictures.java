package io.dinospark.attention;

import java.awt.image.BufferedImage;

import io.dinospark.data.RgbImage;

/**
 * Attention maps drawn at the image's size: a patch's value fills its {@code patch x patch} pixels (nearest
 * upsampling, as the reference), and everything is then enlarged {@code scale} times, nearest again, so that a
 * 28 px image can be seen.
 */
final class AttentionPictures {

    /** Viridis at 0, 1/4, 1/2, 3/4 and 1: dark blue for the map's minimum, yellow for its maximum. */
    private static final int[][] COLOURS = {
            {0x44, 0x01, 0x54}, {0x3b, 0x52, 0x8b}, {0x21, 0x91, 0x8c}, {0x5e, 0xc9, 0x62}, {0xfd, 0xe7, 0x25}};
    /** Colour laid over the patches a mask keeps, half and half with the image (visible on black and white alike). */
    private static final float[] KEPT_TINT = {1.0f, 0.35f, 0.0f};
    /** How bright the patches a mask leaves out stay. */
    private static final float DROPPED_BRIGHTNESS = 0.6f;

    private final int patch;
    private final int scale;

    AttentionPictures(int patch, int scale) {
        this.patch = patch;
        this.scale = scale;
    }

    /** The image itself, enlarged. */
    BufferedImage photo(RgbImage image) {
        return draw(image, null, 0);
    }

    /** The map in colour from its own minimum to its own maximum (as matplotlib's {@code imsave}, which DINO uses). */
    BufferedImage heatmap(float[] map, int grid) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : map) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        int side = grid * patch * scale;
        BufferedImage out = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                float v = map[(y / (patch * scale)) * grid + x / (patch * scale)];
                out.setRGB(x, y, colour(max > min ? (v - min) / (max - min) : 0));
            }
        }
        return out;
    }

    /** The image with the mask's patches tinted orange and the others dimmed. */
    BufferedImage masked(RgbImage image, boolean[] keep, int grid) {
        return draw(image, keep, grid);
    }

    private BufferedImage draw(RgbImage image, boolean[] keep, int grid) {
        int w = image.width() * scale;
        int h = image.height() * scale;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        float[] rgb = new float[3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int py = y / scale;
                int px = x / scale;
                for (int c = 0; c < 3; c++) {
                    rgb[c] = image.get(c, py, px);
                }
                if (keep != null) {
                    boolean kept = keep[(py / patch) * grid + px / patch];
                    for (int c = 0; c < 3; c++) {
                        rgb[c] = kept ? 0.5f * rgb[c] + 0.5f * KEPT_TINT[c] : DROPPED_BRIGHTNESS * rgb[c];
                    }
                }
                out.setRGB(x, y, rgb(rgb[0], rgb[1], rgb[2]));
            }
        }
        return out;
    }

    /** Piecewise-linear colour map over [0, 1]. */
    static int colour(float t) {
        float at = Math.max(0, Math.min(1, t)) * (COLOURS.length - 1);
        int i = Math.min((int) at, COLOURS.length - 2);
        float f = at - i;
        int[] a = COLOURS[i];
        int[] b = COLOURS[i + 1];
        return (channel(a[0] + f * (b[0] - a[0])) << 16) | (channel(a[1] + f * (b[1] - a[1])) << 8)
                | channel(a[2] + f * (b[2] - a[2]));
    }

    private static int rgb(float r, float g, float b) {
        return (channel(r * 255) << 16) | (channel(g * 255) << 8) | channel(b * 255);
    }

    private static int channel(float v) {
        return Math.max(0, Math.min(255, Math.round(v)));
    }
}
