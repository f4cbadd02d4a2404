package io.dinospark.augment;

/** A rectangle of a source image, in pixels: rows {@code [top, top + height)}, columns {@code [left, left + width)}. */
public record CropBox(int top, int left, int height, int width) {

    public CropBox {
        if (top < 0 || left < 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("bad crop box " + top + "," + left + " " + width + "x" + height);
        }
    }
}
