package io.dinospark.eval;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Brute-force cosine k-NN with bounded memory: the queries (L2-normalised, broadcast) meet each training partition
 * on its executor, a chunk of training features at a time, by a blocked matrix product; each partition keeps its
 * own top k per query, and the partitions' tables are merged pairwise in a tree. No training feature reaches the
 * driver, which ends with one {@code queries x k} table.
 */
public final class KnnSearch {

    /** Training features multiplied at once: a chunk of 1024 x D floats. */
    static final int TRAIN_CHUNK = 1024;
    /** Queries multiplied at once: with a full chunk, 2048 x 1024 similarities (8 MB). */
    static final int QUERY_BLOCK = 2048;

    private KnnSearch() {
    }

    /** Rows divided by their L2 norm (floored at 1e-12, as {@code F.normalize}), as a new array. */
    public static INDArray normalizeRows(INDArray rows) {
        INDArray norms = Transforms.max(rows.norm2(1), 1e-12).reshape(rows.rows(), 1);
        return rows.divColumnVector(norms);
    }

    /** Features as one {@code [n, D]} float matrix. */
    public static INDArray matrix(List<ImageFeature> features) {
        float[][] rows = new float[features.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = features.get(i).feature();
        }
        return Nd4j.create(rows);
    }

    /**
     * The {@code k} nearest training images of each of {@code queries} (row {@code i} of the table is
     * {@code queries.get(i)}) by cosine similarity: the queries' features are L2-normalised and broadcast for the
     * search alone (destroyed when it ends, whether or not it succeeds).
     *
     * @param labels as {@link #search(JavaRDD, Broadcast, Broadcast, int)}
     */
    public static Neighbours search(JavaRDD<ImageFeature> train, Broadcast<LabelIndex> labels,
            List<ImageFeature> queries, int k) {
        Broadcast<INDArray> normalised = JavaSparkContext.fromSparkContext(train.context())
                .broadcast(normalizeRows(matrix(queries)));
        try {
            return search(train, labels, normalised, k);
        } finally {
            normalised.destroy();
        }
    }

    /**
     * The {@code k} nearest training images of each query by cosine similarity.
     *
     * @param labels  the classes the training images' labels are numbered by; null when they have none (each
     *                neighbour's label is then {@link Neighbours#NO_LABEL}: retrieval by a ground-truth file)
     * @param queries the queries' features, {@code [Q, D]}, rows L2-normalised
     */
    public static Neighbours search(JavaRDD<ImageFeature> train, Broadcast<LabelIndex> labels,
            Broadcast<INDArray> queries, int k) {
        return train.mapPartitions(features -> {
            INDArray q = queries.value();
            Neighbours table = new Neighbours((int) q.rows(), k);
            List<ImageFeature> chunk = new ArrayList<>(TRAIN_CHUNK);
            while (features.hasNext()) {
                chunk.add(features.next());
                if (chunk.size() == TRAIN_CHUNK || !features.hasNext()) {
                    offerChunk(table, q, chunk, labels == null ? null : labels.value());
                    chunk.clear();
                }
            }
            return List.of(table).iterator();
        }).treeReduce(Neighbours::merge);
    }

    private static void offerChunk(Neighbours table, INDArray queries, List<ImageFeature> chunk, LabelIndex labels) {
        int[] ids = new int[chunk.size()];
        int[] classes = new int[chunk.size()];
        for (int i = 0; i < ids.length; i++) {
            ImageFeature f = chunk.get(i);
            ids[i] = Math.toIntExact(f.id());
            classes[i] = labels == null ? Neighbours.NO_LABEL : labels.of(f.label());
        }
        INDArray train = normalizeRows(matrix(chunk));
        if (train.columns() != queries.columns()) {
            throw new IllegalArgumentException("training features have " + train.columns() + " dimensions, the queries "
                    + queries.columns());
        }
        INDArray trainT = train.transpose();
        for (long from = 0; from < queries.rows(); from += QUERY_BLOCK) {
            long to = Math.min(queries.rows(), from + QUERY_BLOCK);
            float[] sims = queries.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).mmul(trainT).dup('c').data().asFloat();
            int n = ids.length;
            for (int q = 0; q < to - from; q++) {
                for (int j = 0; j < n; j++) {
                    table.offer((int) from + q, sims[q * n + j], ids[j], classes[j]);
                }
            }
        }
    }
}
