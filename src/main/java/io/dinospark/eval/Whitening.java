package io.dinospark.eval;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The copy-detection whitening of the reference ({@code eval_copy_detection.py} with {@code utils.PCA(whit=0.5)}),
 * learned on a set of features: subtract the set's mean; the matrix whitened is {@code X^T X / n} of the set's
 * features as they are (not centred: the reference's quirk); its eigenvalues are floored at {@code max x 1e-5};
 * a feature {@code x} becomes {@code diag(lambda^-1/2) V^T (x - mean)}, which search then L2-normalises. All
 * dimensions are kept.
 */
public final class Whitening implements Serializable {

    /** The reference's eigenvalue floor, relative to the largest. */
    static final double FLOOR = 1e-5;
    private static final int CHUNK = 1024;

    private final float[] mean;
    /** {@code D x D}, row-major: row i is eigenvector i divided by the square root of its eigenvalue. */
    private final float[] projection;
    private final int floored;

    private Whitening(float[] mean, float[] projection, int floored) {
        this.mean = mean;
        this.projection = projection;
        this.floored = floored;
    }

    /** Learns the whitening of {@code features}: their moments summed on the executors, the eigenvectors on the driver. */
    public static Whitening learn(JavaRDD<ImageFeature> features) {
        Moments m = features.mapPartitions(part -> {
            Moments moments = new Moments();
            List<float[]> chunk = new ArrayList<>(CHUNK);
            while (part.hasNext()) {
                chunk.add(part.next().feature());
                if (chunk.size() == CHUNK || !part.hasNext()) {
                    moments.add(chunk);
                    chunk.clear();
                }
            }
            return List.of(moments).iterator();
        }).treeReduce(Moments::merge);
        if (m.n == 0) {
            throw new IllegalArgumentException("no image of the whitening set could be read");
        }
        return of(m.sum, m.outer, m.n);
    }

    /** The whitening of {@code n} features whose sum is {@code sum} and whose {@code X^T X} is {@code outer} (D x D). */
    static Whitening of(double[] sum, double[] outer, long n) {
        int d = sum.length;
        INDArray cov = Nd4j.create(outer, new long[] {d, d}, DataType.DOUBLE).div(n);
        cov = cov.add(cov.transpose()).muli(0.5); // exactly symmetric for the solver
        INDArray vectors = cov.dup('f');
        double[] lambda = Eigen.symmetricGeneralizedEigenvalues(vectors, true).toDoubleVector(); // vectors: columns
        double max = 0;
        for (double l : lambda) {
            max = Math.max(max, l);
        }
        double eps = max * FLOOR;
        int floored = 0;
        double[][] v = vectors.toDoubleMatrix(); // once: v[j][i] is component j of eigenvector i
        float[] projection = new float[d * d];
        for (int i = 0; i < d; i++) {
            double l = lambda[i];
            if (l < eps) {
                l = eps;
                floored++;
            }
            double scale = 1 / Math.sqrt(l);
            for (int j = 0; j < d; j++) {
                projection[i * d + j] = (float) (v[j][i] * scale);
            }
        }
        float[] mean = new float[d];
        for (int j = 0; j < d; j++) {
            mean[j] = (float) (sum[j] / n);
        }
        return new Whitening(mean, projection, floored);
    }

    /** How many eigenvalues were below the floor and raised to it. */
    public int floored() {
        return floored;
    }

    public int dimensions() {
        return mean.length;
    }

    /** {@code feature} whitened. */
    public float[] apply(float[] feature) {
        int d = mean.length;
        if (feature.length != d) {
            throw new IllegalArgumentException("the whitening was learned on features of " + d + " dimensions, got " + feature.length);
        }
        float[] out = new float[d];
        for (int i = 0; i < d; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += projection[i * d + j] * (feature[j] - mean[j]);
            }
            out[i] = (float) s;
        }
        return out;
    }

    public ImageFeature apply(ImageFeature f) {
        return new ImageFeature(f.id(), f.path(), f.label(), apply(f.feature()));
    }

    /**
     * {@code features} whitened (as {@link #apply(ImageFeature)}, within float rounding), a chunk of them at a time
     * by one matrix product {@code (X - mean) P^T} per chunk, each partition building the projection once.
     */
    public static JavaRDD<ImageFeature> apply(Broadcast<Whitening> whitening, JavaRDD<ImageFeature> features) {
        return features.mapPartitions(part -> whitening.value().apply(part));
    }

    /** {@code features} whitened as {@link #apply(List)}, lazily, {@value #CHUNK} at a time. */
    public Iterator<ImageFeature> apply(Iterator<ImageFeature> features) {
        INDArray projectionT = projectionT();
        return new Iterator<>() {
            private Iterator<ImageFeature> done = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                return done.hasNext() || features.hasNext();
            }

            @Override
            public ImageFeature next() {
                if (!done.hasNext()) {
                    List<ImageFeature> chunk = new ArrayList<>(CHUNK);
                    while (chunk.size() < CHUNK && features.hasNext()) {
                        chunk.add(features.next());
                    }
                    done = apply(chunk, projectionT).iterator();
                }
                return done.next();
            }
        };
    }

    /** {@code features} whitened, in their order, by one matrix product. */
    public List<ImageFeature> apply(List<ImageFeature> features) {
        return apply(features, projectionT());
    }

    /** {@code P^T} as a {@code D x D} float matrix. */
    private INDArray projectionT() {
        int d = mean.length;
        return Nd4j.create(projection, new long[] {d, d}, 'c').transpose();
    }

    private List<ImageFeature> apply(List<ImageFeature> features, INDArray projectionT) {
        if (features.isEmpty()) {
            return List.of();
        }
        int d = mean.length;
        float[][] rows = new float[features.size()][];
        for (int r = 0; r < rows.length; r++) {
            rows[r] = features.get(r).feature();
            if (rows[r].length != d) {
                throw new IllegalArgumentException("the whitening was learned on features of " + d + " dimensions, got "
                        + rows[r].length);
            }
        }
        INDArray x = Nd4j.create(rows).subiRowVector(Nd4j.create(mean, new long[] {1, d}, 'c'));
        float[][] whitened = x.mmul(projectionT).toFloatMatrix();
        List<ImageFeature> out = new ArrayList<>(rows.length);
        for (int r = 0; r < rows.length; r++) {
            ImageFeature f = features.get(r);
            out.add(new ImageFeature(f.id(), f.path(), f.label(), whitened[r]));
        }
        return out;
    }

    /** Count, sum and {@code X^T X} of features, in double. */
    private static final class Moments implements Serializable {
        long n;
        double[] sum;
        double[] outer;

        void add(List<float[]> rows) {
            if (rows.isEmpty()) {
                return;
            }
            int d = rows.get(0).length;
            if (sum == null) {
                sum = new double[d];
                outer = new double[d * d];
            }
            double[][] x = new double[rows.size()][];
            for (int r = 0; r < x.length; r++) {
                float[] f = rows.get(r);
                if (f.length != d) {
                    throw new IllegalArgumentException("whitening features of " + f.length + " and " + d + " dimensions");
                }
                x[r] = new double[d];
                for (int j = 0; j < d; j++) {
                    x[r][j] = f[j];
                    sum[j] += f[j];
                }
            }
            INDArray m = Nd4j.create(x);
            double[] xtx = m.transpose().mmul(m).dup('c').data().asDouble();
            for (int i = 0; i < xtx.length; i++) {
                outer[i] += xtx[i];
            }
            n += rows.size();
        }

        Moments merge(Moments other) {
            if (other.n == 0) {
                return this;
            }
            if (n == 0) {
                return other;
            }
            for (int j = 0; j < sum.length; j++) {
                sum[j] += other.sum[j];
            }
            for (int i = 0; i < outer.length; i++) {
                outer[i] += other.outer[i];
            }
            n += other.n;
            return this;
        }
    }
}
