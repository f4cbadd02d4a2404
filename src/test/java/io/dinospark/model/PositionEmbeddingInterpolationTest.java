package io.dinospark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class PositionEmbeddingInterpolationTest {

    @Test
    void nativeGridIsLeftUnchanged() {
        assertEquals(Nd4j.eye(196).castTo(DataType.DOUBLE),
                PositionEmbeddingInterpolation.matrix(14, 14, 14, 14, DataType.DOUBLE));
    }

    @Test
    void localCropsOfA224ModelGetASixBySixGrid() {
        // 96 px crops, patch 16: 36 positions interpolated from the 14 x 14 grid of 224 px.
        assertArrayEquals(new long[] {36, 196}, PositionEmbeddingInterpolation.matrix(14, 14, 6, 6, DataType.FLOAT).shape());
    }

    @Test
    void nonSquareGridsKeepRowsAndColumnsApart() {
        INDArray m = PositionEmbeddingInterpolation.matrix(14, 14, 6, 10, DataType.DOUBLE);
        assertArrayEquals(new long[] {60, 196}, m.shape());
        // Embeddings that depend on the row only stay row-only after resampling: each output row is constant.
        INDArray byRow = Nd4j.create(DataType.DOUBLE, 196, 1);
        for (int i = 0; i < 14; i++) {
            for (int j = 0; j < 14; j++) {
                byRow.putScalar(i * 14 + j, 0, i * i);
            }
        }
        INDArray out = m.mmul(byRow).reshape(6, 10);
        for (int y = 0; y < 6; y++) {
            assertEquals(0.0, out.getRow(y).sub(out.getDouble(y, 0)).norm2Number().doubleValue(), 1e-9);
        }
    }

    @Test
    void weightsSumToOneSoConstantEmbeddingsStayConstant() {
        INDArray m = PositionEmbeddingInterpolation.matrix(14, 14, 6, 6, DataType.DOUBLE);
        assertEquals(Nd4j.ones(DataType.DOUBLE, 36, 1), m.sum(true, 1).transpose().reshape(36, 1));
    }

    @Test
    void axisWeightsArePyTorchsBicubicWithTheReferencesScaleFactor() {
        // in 4 -> out 2, scale factor 2.1 / 4: src = (0 + 0.5) / 0.525 - 0.5 = 0.452381, t = 0.452381 from index 0.
        double t = 0.5 / 0.525 - 0.5;
        double a = -0.75;
        double w0 = ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a;  // index -1, clamped to 0
        double w1 = ((a + 2) * t - (a + 3)) * t * t + 1;                          // index 0
        double w2 = ((a + 2) * (1 - t) - (a + 3)) * (1 - t) * (1 - t) + 1;        // index 1
        double w3 = ((a * (2 - t) - 5 * a) * (2 - t) + 8 * a) * (2 - t) - 4 * a;  // index 2
        double[] row = PositionEmbeddingInterpolation.axisWeights(4, 2)[0];
        assertArrayEquals(new double[] {w0 + w1, w2, w3, 0}, row, 1e-12);
    }
}
