package io.dinospark.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bicubic resampling of a grid of position embeddings to another grid, written as the matrix it is: the patch
 * embeddings of an {@code outH x outW} grid are {@code M @ E} for the {@code inH x inW} embeddings {@code E}
 * (rows in row-major grid order). A constant matrix keeps the graph differentiable in {@code E} for free.
 *
 * <p>It reproduces the authors' {@code interpolate_pos_encoding}: the native grid is returned unchanged;
 * otherwise {@code F.interpolate(mode='bicubic', align_corners=False)} with scale factor
 * {@code (out + 0.1) / in} per axis, i.e. PyTorch's cubic convolution (A = -0.75) with clamped borders, source
 * coordinate {@code (dst + 0.5) / scale - 0.5}.
 */
public final class PositionEmbeddingInterpolation {

    private static final double A = -0.75;

    private PositionEmbeddingInterpolation() {
    }

    /** The {@code [outH*outW, inH*inW]} matrix taking an {@code inH x inW} grid to an {@code outH x outW} one. */
    public static INDArray matrix(int inH, int inW, int outH, int outW, DataType dataType) {
        return Nd4j.create(weights(inH, inW, outH, outW)).castTo(dataType);
    }

    /**
     * The same matrix as plain Java arrays, {@code [outH*outW][inH*inW]}, for callers that must not allocate ND4J
     * arrays (inside a JavaCPP {@code PointerScope}).
     */
    public static double[][] weights(int inH, int inW, int outH, int outW) {
        if (inH == outH && inW == outW) {
            double[][] identity = new double[inH * inW][inH * inW];
            for (int i = 0; i < identity.length; i++) {
                identity[i][i] = 1;
            }
            return identity;
        }
        double[][] rows = axisWeights(inH, outH);
        double[][] cols = axisWeights(inW, outW);
        double[][] m = new double[outH * outW][inH * inW];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                for (int i = 0; i < inH; i++) {
                    if (rows[y][i] == 0) {
                        continue;
                    }
                    for (int j = 0; j < inW; j++) {
                        m[y * outW + x][i * inW + j] = rows[y][i] * cols[x][j];
                    }
                }
            }
        }
        return m;
    }

    /** One axis: {@code [out][in]} weights of PyTorch's bicubic upsampling with scale factor (out + 0.1) / in. */
    static double[][] axisWeights(int in, int out) {
        double scaleFactor = (out + 0.1) / in;
        if ((int) Math.floor(in * scaleFactor) != out) {
            throw new IllegalStateException("bicubic scale " + scaleFactor + " does not give " + out + " from " + in);
        }
        double[][] w = new double[out][in];
        for (int dst = 0; dst < out; dst++) {
            double src = (dst + 0.5) / scaleFactor - 0.5;
            int base = (int) Math.floor(src);
            double t = src - base;
            double[] coeffs = {cubicFar(t + 1), cubicNear(t), cubicNear(1 - t), cubicFar(2 - t)};
            for (int k = 0; k < 4; k++) {
                int index = Math.min(Math.max(base - 1 + k, 0), in - 1);
                w[dst][index] += coeffs[k];
            }
        }
        return w;
    }

    /** Cubic convolution kernel for |x| <= 1. */
    private static double cubicNear(double x) {
        return ((A + 2) * x - (A + 3)) * x * x + 1;
    }

    /** Cubic convolution kernel for 1 < |x| < 2. */
    private static double cubicFar(double x) {
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
    }
}
