package io.dinospark.engine;

import java.io.Serializable;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One student minibatch: rows of packed crops ({@code [B, width]}, the two global crops then the local crops) and
 * their teacher targets ({@code [B, 2K]}, the teacher's probabilities of the two global crops). A {@link
 * Classifier}'s: one global-size view per row and its target class distribution ({@code [B, classes]}).
 */
public record Minibatch(INDArray rows, INDArray targets) implements Serializable {

    public long size() {
        return rows.size(0);
    }
}
