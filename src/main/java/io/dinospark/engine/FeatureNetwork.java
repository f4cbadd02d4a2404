package io.dinospark.engine;

import org.nd4j.linalg.api.ndarray.INDArray;

/** A backbone in inference mode, as evaluation reads it. Closing it frees its native memory, if it holds any. */
public interface FeatureNetwork extends AutoCloseable {

    /** The CLS features of evaluation views {@code [B, 3 * size * size]} (one global-size view per row): {@code [B, dim]}. */
    default INDArray features(INDArray views) {
        return features(views, FeatureKind.CLS);
    }

    /**
     * Features of the kind {@code kind} of evaluation views {@code [B, 3 * size * size]}: {@code [B, dim]}, or
     * {@code [B, 2 * dim]} for {@link FeatureKind.Descriptor#CLS_GEM}.
     *
     * @throws UnsupportedOperationException when this engine does not compute that kind (the message names the
     *                                       option and the engine that does)
     */
    INDArray features(INDArray views, FeatureKind kind);

    @Override
    void close();
}
