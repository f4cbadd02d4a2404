package io.dinospark.data;

/**
 * A decoded RGB image: {@code pixels} holds the three channel planes one after the other (channels-first,
 * row-major), values in [0, 1]. Every source image becomes one of these, whatever its format or colour model.
 */
public record RgbImage(int width, int height, float[] pixels) {

    public RgbImage {
        if (width <= 0 || height <= 0 || pixels.length != 3 * width * height) {
            throw new IllegalArgumentException("an RGB image of " + width + "x" + height + " needs "
                    + 3L * width * height + " values, got " + pixels.length);
        }
    }

    /** Value of channel {@code c} at row {@code y}, column {@code x}. */
    public float get(int c, int y, int x) {
        return pixels[(c * height + y) * width + x];
    }
}
