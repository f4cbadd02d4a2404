package io.dinospark.engine;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One student minibatch: rows of packed crops ({@code [B, width]}, the two global crops then the local crops) and
 * their teacher targets ({@code [B, 2K]}, the teacher's probabilities of the two global crops). A {@link
 * Classifier}'s: one global-size view per row and its target class distribution ({@code [B, classes]}).
 */
public record Minibatch(INDArray rows, INDArray targets) implements Serializable {

    public long size() {
        return rows.size(0);
    }

    /**
     * {@code rows} and their {@code targets} in minibatches of {@code size} rows, in order (the last one smaller);
     * rows that already fit one minibatch are it, without a copy; none for no rows.
     */
    public static List<Minibatch> split(INDArray rows, INDArray targets, int size) {
        long n = rows.rows();
        if (n <= size) {
            return n == 0 ? List.of() : List.of(new Minibatch(rows, targets));
        }
        List<Minibatch> minibatches = new ArrayList<>();
        for (long from = 0; from < n; from += size) {
            long to = Math.min(n, from + size);
            minibatches.add(new Minibatch(rows.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).dup(),
                    targets.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).dup()));
        }
        return minibatches;
    }
}
