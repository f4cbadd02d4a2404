package io.dinospark.engine;

import org.nd4j.linalg.api.ndarray.INDArray;

/** A backbone in inference mode, as evaluation reads it. Closing it frees its native memory, if it holds any. */
public interface FeatureNetwork extends AutoCloseable {

    /** Features of evaluation views {@code [B, 3 * size * size]} (one global-size view per row): {@code [B, dim]}. */
    INDArray features(INDArray views);

    @Override
    void close();
}
