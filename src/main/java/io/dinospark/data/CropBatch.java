package io.dinospark.data;

import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One worker's minibatch of a step: a row of packed crops per usable image ({@code rows}, {@code [images, width]},
 * in the order of {@code images}), and the images that had to be skipped.
 */
public record CropBatch(INDArray rows, List<ImageRef> images, List<SkippedImage> skipped) {
}
