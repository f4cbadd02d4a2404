package io.dinospark.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Supplies each step's minibatch as rows of packed crops (2 global, then the local crops). */
@FunctionalInterface
public interface CropRows {

    /** The rows of global step {@code step}; the same step always gives the same rows. */
    INDArray rows(long step);
}
