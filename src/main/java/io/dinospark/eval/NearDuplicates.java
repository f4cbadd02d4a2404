package io.dinospark.eval;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.feature.BucketedRandomProjectionLSH;
import org.apache.spark.ml.feature.BucketedRandomProjectionLSHModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.apache.spark.sql.functions.col;

/**
 * Near-duplicate pairs within one set of features: every pair of images whose cosine similarity is at least the
 * threshold, as a table of pairs ({@link #SCHEMA}, {@code a} before {@code b} in the set's order). Two ways, one
 * result:
 * <ul>
 * <li><b>exact</b>, for sets whose features fit a broadcast: every image is a query of the distributed top-k
 * ({@link KnnSearch}, the {@code k} nearest of each, itself included) and the pairs at or above the threshold are
 * kept; an image with more than {@code k - 1} near-duplicates keeps its {@code k - 1} closest (a warning counts such
 * images).</li>
 * <li><b>lsh</b>, for large sets: Spark ML's {@link BucketedRandomProjectionLSH} on the L2-normalised features (on
 * which Euclidean distance {@code d} and cosine {@code c} are one: {@code d^2 = 2 - 2c}) proposes the pairs within
 * the threshold's distance through {@code approxSimilarityJoin}; each is re-scored by its exact cosine. Pairs
 * that share no bucket in any of the hash tables are missed: more tables, or longer buckets, miss fewer and propose
 * more.</li>
 * </ul>
 * Memory: exact holds the set's features (n x D floats) and one n x k table per task; lsh is Spark's join,
 * spilling to disk as any shuffle does.
 */
public final class NearDuplicates {

    private static final Logger LOG = LoggerFactory.getLogger(NearDuplicates.class);

    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("a", DataTypes.StringType, false),
        DataTypes.createStructField("b", DataTypes.StringType, false),
        DataTypes.createStructField("similarity", DataTypes.FloatType, false)});

    /**
     * Spark ML's LSH settings.
     *
     * @param bucketLength null: {@code 2 d / sqrt(D)} for the threshold's distance {@code d} and features of {@code D}
     *                     dimensions. A random unit projection moves two unit vectors at distance {@code d} apart by
     *                     about {@code d / sqrt(D)}, so such a pair shares a bucket of this length in about 60% of the
     *                     hash tables; 10 tables miss one pair in 10,000.
     */
    public record Lsh(int hashTables, Double bucketLength, long seed) {
        public Lsh {
            if (hashTables <= 0) {
                throw new IllegalArgumentException("--hash-tables must be > 0, got " + hashTables);
            }
            if (bucketLength != null && !(bucketLength > 0)) {
                throw new IllegalArgumentException("--bucket-length must be > 0, got " + bucketLength);
            }
        }
    }

    private final double threshold;
    private final int k;

    /**
     * @param threshold the least cosine similarity of a pair, in (0, 1]
     * @param k         the exact search's images looked at per image, itself included
     */
    public NearDuplicates(double threshold, int k) {
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("--threshold (a cosine similarity) must be in (0, 1], got " + threshold);
        }
        if (k < 2) {
            throw new IllegalArgumentException("--k (images looked at per image, itself included) must be >= 2, got " + k);
        }
        this.threshold = threshold;
        this.k = k;
    }

    /** The pairs by the exact search, the {@code k} nearest images looked at per image. */
    public JavaRDD<Row> exact(JavaRDD<ImageFeature> features) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(features.context());
        List<ImageFeature> all = features.collect();
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no image of the set could be read");
        }
        LOG.info("exact near-duplicate search: {} images, the {} nearest of each", all.size(), k);
        Neighbours neighbours = KnnSearch.search(features, null, all, k);
        String[] paths = new String[all.size()];
        java.util.Map<Long, Integer> position = new java.util.HashMap<>();
        for (int i = 0; i < paths.length; i++) {
            paths[i] = all.get(i).path();
            position.put(all.get(i).id(), i);
        }
        java.util.Map<Long, Row> pairs = new java.util.LinkedHashMap<>();
        int saturated = 0;
        for (int q = 0; q < neighbours.queries(); q++) {
            int[] ranked = neighbours.ranked(q);
            if (ranked.length == k && neighbours.similarity(ranked[k - 1]) >= threshold) {
                saturated++;
            }
            for (int p : ranked) {
                int other = position.get((long) neighbours.trainId(p));
                float sim = neighbours.similarity(p);
                if (other != q && sim >= threshold) {
                    int a = Math.min(q, other);
                    int b = Math.max(q, other);
                    pairs.putIfAbsent((long) a * paths.length + b, RowFactory.create(paths[a], paths[b], sim));
                }
            }
        }
        if (saturated > 0) {
            LOG.warn("{} images have {} or more near-duplicates: each keeps its {} closest; a larger --k finds the rest",
                    saturated, k - 1, k - 1);
        }
        LOG.info("exact near-duplicate search: {} pairs at cosine >= {}", pairs.size(), threshold);
        return sc.parallelize(new ArrayList<>(pairs.values()), Math.max(1, sc.defaultParallelism()));
    }

    /**
     * The pairs by Spark ML's LSH, each candidate re-scored by its exact cosine. They are computed here and kept
     * (persisted, memory and disk: the caller may unpersist them once written), so that the normalised and hashed
     * features they come from are unpersisted before this returns.
     */
    public JavaRDD<Row> lsh(SparkSession spark, JavaRDD<ImageFeature> features, Lsh settings) {
        javaBlas();
        StructType schema = new StructType(new StructField[] {
            DataTypes.createStructField("id", DataTypes.LongType, false),
            DataTypes.createStructField("path", DataTypes.StringType, false),
            DataTypes.createStructField("v", SQLDataTypes.VectorType(), false)});
        Dataset<Row> vectors = spark.createDataFrame(features.mapPartitions(part -> {
            javaBlas(); // on each executor, before Spark ML hashes there: once a partition
            return rows(part);
        }), schema).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            return lsh(vectors, settings);
        } finally {
            vectors.unpersist();
        }
    }

    private JavaRDD<Row> lsh(Dataset<Row> vectors, Lsh settings) {
        long n = vectors.count();
        if (n == 0) {
            throw new IllegalArgumentException("no image of the set could be read");
        }
        double distance = Math.sqrt(Math.max(0, 2 - 2 * threshold));
        int dimensions = vectors.first().<Vector>getAs(2).size();
        double bucketLength = settings.bucketLength() != null ? settings.bucketLength()
                : 2 * Math.max(distance, 1e-3) / Math.sqrt(dimensions);
        BucketedRandomProjectionLSHModel model = new BucketedRandomProjectionLSH().setInputCol("v").setOutputCol("hashes")
                .setNumHashTables(settings.hashTables()).setBucketLength(bucketLength).setSeed(settings.seed())
                .fit(vectors);
        LOG.info("LSH near-duplicate search: {} images of {} dimensions, {} hash tables, bucket length {}, distance < {}"
                + " (cosine >= {})", n, dimensions, settings.hashTables(), bucketLength, distance, threshold);
        Dataset<Row> hashed = model.transform(vectors).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            return rescored(model, hashed, distance);
        } finally {
            hashed.unpersist();
        }
    }

    /** The candidates within {@code distance} of each other in {@code hashed}, re-scored by cosine, computed and kept. */
    private JavaRDD<Row> rescored(BucketedRandomProjectionLSHModel model, Dataset<Row> hashed, double distance) {
        // The join keeps distances below its threshold; a hair more lets the exact re-scoring decide the boundary.
        Dataset<?> candidates = model.approxSimilarityJoin(hashed, hashed, distance * (1 + 1e-6) + 1e-9, "distance")
                .filter(col("datasetA.id").lt(col("datasetB.id")))
                .select(col("datasetA.path"), col("datasetB.path"), col("datasetA.v"), col("datasetB.v"));
        double t = threshold;
        JavaRDD<Row> pairs = candidates.toDF().javaRDD()
                // both unit length: the dot product is the cosine
                .map(r -> RowFactory.create(r.getString(0), r.getString(1), (float) r.<Vector>getAs(2).dot(r.getAs(3))))
                .filter(r -> r.getFloat(2) >= t)
                .persist(StorageLevel.MEMORY_AND_DISK());
        LOG.info("LSH near-duplicate search: {} pairs at cosine >= {}", pairs.count(), threshold);
        return pairs;
    }

    /** Writes pairs as a Parquet table ({@link #SCHEMA}); an existing table is an error. Returns the pairs written. */
    public static long write(SparkSession spark, JavaRDD<Row> pairs, String out) {
        spark.createDataFrame(pairs, SCHEMA).write().mode(SaveMode.ErrorIfExists).parquet(out);
        return spark.read().parquet(out).count();
    }

    /**
     * Spark ML's BLAS in Java. Its native one (netlib's JNI over the system's {@code libblas.so.3}) binds, in a JVM
     * that already holds ND4J's or libtorch's OpenBLAS, to that OpenBLAS's kernels and crashes (a SIGSEGV in
     * {@code drotm_k} from {@code dgemv}, the LSH's projection, seen here); a library name that cannot load makes
     * netlib fall back to its Java BLAS. Must run before Spark ML's first BLAS call in the JVM.
     */
    private static void javaBlas() {
        System.setProperty("dev.ludovic.netlib.blas.nativeLib", "none-use-java-blas");
    }

    /** Each feature as a row (id, path, its L2-normalised vector), lazily. */
    private static java.util.Iterator<Row> rows(java.util.Iterator<ImageFeature> features) {
        return new java.util.Iterator<>() {
            @Override
            public boolean hasNext() {
                return features.hasNext();
            }

            @Override
            public Row next() {
                ImageFeature f = features.next();
                return RowFactory.create(f.id(), f.path(), normalised(f.feature()));
            }
        };
    }

    private static Vector normalised(float[] feature) {
        double norm = 0;
        for (float x : feature) {
            norm += (double) x * x;
        }
        double scale = 1 / Math.max(Math.sqrt(norm), 1e-12);
        double[] v = new double[feature.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = feature[i] * scale;
        }
        return Vectors.dense(v);
    }
}
