package io.dinospark.model;

import java.util.Map;

import org.apache.commons.math3.special.Erf;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The last block's CLS attention of a ViT written out in plain Java loops over doubles, from the parameter table
 * and the formulas of DINO's {@code vision_transformer.py}; no SameDiff, no ND4J ops. The test reference for
 * {@link LastBlockAttention}.
 */
final class PlainViTAttention {

    private final Map<String, INDArray> p;
    private final int patch;
    private final int dim;
    private final int depth;
    private final int heads;
    private final boolean qkvBias;

    PlainViTAttention(MultiCropViT vit, Map<String, INDArray> params) {
        this.p = params;
        this.patch = vit.getPatchSize();
        this.dim = vit.getEmbedDim();
        this.depth = vit.getDepth();
        this.heads = vit.getNumHeads();
        this.qkvBias = vit.isQkvBias();
    }

    /** CLS-query attention over all tokens, {@code [heads][tokens]}, for one image {@code [3][size][size]}. */
    double[][] clsAttention(double[][][] image) {
        double[][] x = embed(image);
        for (int i = 0; i < depth - 1; i++) {
            x = block(x, i);
        }
        double[][] h = layerNorm(x, "b" + (depth - 1) + "ln1g", "b" + (depth - 1) + "ln1b");
        return probabilities(qkv(h, depth - 1))[0];
    }

    private double[][] embed(double[][][] image) {
        int grid = image[0].length / patch;
        double[][] x = new double[1 + grid * grid][dim];
        for (int d = 0; d < dim; d++) {
            x[0][d] = p.get("cls").getDouble(0, d) + p.get("pos").getDouble(0, d);
        }
        for (int gy = 0; gy < grid; gy++) {
            for (int gx = 0; gx < grid; gx++) {
                int t = 1 + gy * grid + gx;
                for (int d = 0; d < dim; d++) {
                    double sum = p.get("patchB").getDouble(0, d);
                    for (int c = 0; c < 3; c++) {
                        for (int py = 0; py < patch; py++) {
                            for (int px = 0; px < patch; px++) {
                                int row = (c * patch + py) * patch + px; // Conv2d weight flattened (c, ky, kx)
                                sum += image[c][gy * patch + py][gx * patch + px] * p.get("patchW").getDouble(row, d);
                            }
                        }
                    }
                    x[t][d] = sum + p.get("pos").getDouble(t, d);
                }
            }
        }
        return x;
    }

    private double[][] block(double[][] x, int i) {
        String b = "b" + i;
        double[][] h = layerNorm(x, b + "ln1g", b + "ln1b");
        double[][][] attn = probabilities(qkv(h, i));
        double[][] qkv = qkv(h, i);
        int headDim = dim / heads;
        double[][] mixed = new double[x.length][dim];
        for (int hd = 0; hd < heads; hd++) {
            for (int t = 0; t < x.length; t++) {
                for (int d = 0; d < headDim; d++) {
                    double sum = 0;
                    for (int s = 0; s < x.length; s++) {
                        sum += attn[t][hd][s] * qkv[s][2 * dim + hd * headDim + d];
                    }
                    mixed[t][hd * headDim + d] = sum;
                }
            }
        }
        x = add(x, linear(mixed, b + "projW", b + "projB"));
        double[][] m = linear(layerNorm(x, b + "ln2g", b + "ln2b"), b + "fc1W", b + "fc1B");
        for (double[] row : m) {
            for (int j = 0; j < row.length; j++) {
                row[j] = 0.5 * row[j] * (1 + Erf.erf(row[j] / Math.sqrt(2)));
            }
        }
        return add(x, linear(m, b + "fc2W", b + "fc2B"));
    }

    private double[][] qkv(double[][] h, int i) {
        return linear(h, "b" + i + "qkvW", qkvBias ? "b" + i + "qkvB" : null);
    }

    /** {@code [query token][head][key token]} softmax of scaled dot products. */
    private double[][][] probabilities(double[][] qkv) {
        int tokens = qkv.length;
        int headDim = dim / heads;
        double[][][] out = new double[tokens][heads][tokens];
        for (int t = 0; t < tokens; t++) {
            for (int hd = 0; hd < heads; hd++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int s = 0; s < tokens; s++) {
                    double dot = 0;
                    for (int d = 0; d < headDim; d++) {
                        dot += qkv[t][hd * headDim + d] * qkv[s][dim + hd * headDim + d];
                    }
                    out[t][hd][s] = dot / Math.sqrt(headDim);
                    max = Math.max(max, out[t][hd][s]);
                }
                double total = 0;
                for (int s = 0; s < tokens; s++) {
                    out[t][hd][s] = Math.exp(out[t][hd][s] - max);
                    total += out[t][hd][s];
                }
                for (int s = 0; s < tokens; s++) {
                    out[t][hd][s] /= total;
                }
            }
        }
        return out;
    }

    private double[][] layerNorm(double[][] x, String gain, String bias) {
        double[][] out = new double[x.length][dim];
        for (int t = 0; t < x.length; t++) {
            double mean = 0;
            for (double v : x[t]) {
                mean += v / dim;
            }
            double var = 0;
            for (double v : x[t]) {
                var += (v - mean) * (v - mean) / dim;
            }
            for (int d = 0; d < dim; d++) {
                out[t][d] = (x[t][d] - mean) / Math.sqrt(var + 1e-6) * p.get(gain).getDouble(0, d) + p.get(bias).getDouble(0, d);
            }
        }
        return out;
    }

    private double[][] linear(double[][] x, String weight, String bias) {
        INDArray w = p.get(weight);
        int out = (int) w.size(1);
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int j = 0; j < out; j++) {
                double sum = bias == null ? 0 : p.get(bias).getDouble(0, j);
                for (int k = 0; k < x[t].length; k++) {
                    sum += x[t][k] * w.getDouble(k, j);
                }
                y[t][j] = sum;
            }
        }
        return y;
    }

    private static double[][] add(double[][] a, double[][] b) {
        double[][] out = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                out[i][j] = a[i][j] + b[i][j];
            }
        }
        return out;
    }
}
