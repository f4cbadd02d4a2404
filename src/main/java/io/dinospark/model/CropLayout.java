package io.dinospark.model;

/**
 * How one image's crops are packed into one input row: the two global crops, then the local crops, each an RGB
 * image flattened channels-first. The number of local crops is read off the row width, so one network
 * configuration takes the student's rows (2 + N crops) and the teacher's (2 crops).
 */
public record CropLayout(int globalSize, int localSize) implements java.io.Serializable {

    public static final int CHANNELS = 3;
    public static final int GLOBAL_CROPS = 2;

    public CropLayout {
        if (globalSize <= 0 || localSize <= 0) {
            throw new IllegalArgumentException("crop sizes must be positive, got global " + globalSize + ", local " + localSize);
        }
    }

    public long globalLength() {
        return (long) CHANNELS * globalSize * globalSize;
    }

    public long localLength() {
        return (long) CHANNELS * localSize * localSize;
    }

    /** Width of a row holding the 2 global crops and {@code localCrops} local crops. */
    public long rowWidth(int localCrops) {
        return GLOBAL_CROPS * globalLength() + localCrops * localLength();
    }

    /** Number of local crops in a row of this width; an error if the width fits no packing. */
    public int localCrops(long rowWidth) {
        long rest = rowWidth - GLOBAL_CROPS * globalLength();
        if (rest < 0 || rest % localLength() != 0) {
            throw new IllegalArgumentException("an input row of width " + rowWidth + " is not 2 global crops of "
                    + globalSize + " px plus whole local crops of " + localSize + " px (3 channels each)");
        }
        return (int) (rest / localLength());
    }

    /**
     * Total crops (views) in a row of this width. A row of exactly one global-size image is one view: evaluation
     * feeds each image once, resized and center-cropped to the global size.
     */
    public int views(long rowWidth) {
        return rowWidth == globalLength() ? 1 : GLOBAL_CROPS + localCrops(rowWidth);
    }
}
