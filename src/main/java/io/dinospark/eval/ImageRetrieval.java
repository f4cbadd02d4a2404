package io.dinospark.eval;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dinospark.config.AugmentConfig;
import io.dinospark.data.ImageRef;

/**
 * Image retrieval (the reference's {@code eval_image_retrieval.py} and {@code eval_copy_detection.py}, at Spark
 * scale): the queries' features are collected and broadcast (Q x D), the database's are computed and searched on the
 * executors by {@link KnnSearch} (cosine similarity), so no database feature reaches the driver. The driver ends
 * with the top k of each query (Q x k x 12 bytes) and the paths and labels of the database images ranked.
 */
public final class ImageRetrieval {

    private static final Logger LOG = LoggerFactory.getLogger(ImageRetrieval.class);

    /** The table {@link #write} writes: one row per (features, query, rank). */
    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("features", DataTypes.StringType, false),
        DataTypes.createStructField("query", DataTypes.StringType, false),
        DataTypes.createStructField("rank", DataTypes.IntegerType, false),
        DataTypes.createStructField("database", DataTypes.StringType, false),
        DataTypes.createStructField("similarity", DataTypes.FloatType, false)});

    /** A query or database image: its path and label (null if it has none). */
    public record Image(String path, String label) implements Serializable {
    }

    /** The top k database images of each query under the features {@code features}. */
    public record Ranking(String features, List<Image> queries, Neighbours neighbours, Map<Integer, Image> database) {

        /** Query {@code q}'s database images, best first. */
        public List<Image> ranked(int q) {
            List<Image> out = new ArrayList<>();
            for (int p : neighbours.ranked(q)) {
                out.add(database.get(neighbours.trainId(p)));
            }
            return out;
        }
    }

    private final JavaRDD<ImageRef> queries;
    private final JavaRDD<ImageRef> database;
    private final JavaRDD<ImageRef> whiteningSet;
    private final int viewSize;
    private final AugmentConfig augment;
    private final int batchSize;
    private final int k;

    /**
     * @param viewSize the evaluation view's side (the run's global crop size)
     * @param augment  the run's normalisation (mean, std)
     * @param k        database images kept per query
     * @param whiteningSet images a {@link Whitening} of each features is learned on, applied to queries and database
     *                 alike; null for none
     */
    public ImageRetrieval(JavaRDD<ImageRef> queries, JavaRDD<ImageRef> database, JavaRDD<ImageRef> whiteningSet,
            int viewSize, AugmentConfig augment, int batchSize, int k) {
        if (k <= 0) {
            throw new IllegalArgumentException("--k (database images per query) must be > 0, got " + k);
        }
        this.queries = queries;
        this.database = database;
        this.whiteningSet = whiteningSet;
        this.viewSize = viewSize;
        this.augment = augment;
        this.batchSize = batchSize;
        this.k = k;
    }

    /** Each query's top k database images under {@code model}'s features. */
    public Ranking rank(FeatureModel model) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(database.context());
        Broadcast<FeatureModel> features = sc.broadcast(model);
        Broadcast<Whitening> whitening = null;
        try {
            List<ImageFeature> found = FeatureExtractor.extract(queries, viewSize, augment, batchSize, features).collect();
            if (found.isEmpty()) {
                throw new IllegalArgumentException("no query image could be read");
            }
            JavaRDD<ImageFeature> databaseFeatures = FeatureExtractor.extract(database, viewSize, augment, batchSize, features);
            if (whiteningSet != null) {
                Whitening learned = Whitening.learn(FeatureExtractor.extract(whiteningSet, viewSize, augment, batchSize, features));
                LOG.info("{}: whitening of {} dimensions learned, {} eigenvalues raised to the floor", model.name(),
                        learned.dimensions(), learned.floored());
                found = learned.apply(found);
                whitening = sc.broadcast(learned);
                databaseFeatures = Whitening.apply(whitening, databaseFeatures);
            }
            LOG.info("{}: {} query features; searching the database for the top {} of each", model.name(), found.size(), k);
            Neighbours neighbours = KnnSearch.search(databaseFeatures, null, found, k);
            List<Image> queryImages = found.stream().map(f -> new Image(f.path(), f.label())).toList();
            return new Ranking(model.name(), queryImages, neighbours, rankedImages(sc, neighbours));
        } finally {
            if (whitening != null) {
                whitening.destroy();
            }
            features.destroy();
        }
    }

    /** The database images some query ranks (at most Q x k of them), by id. */
    private Map<Integer, Image> rankedImages(JavaSparkContext sc, Neighbours neighbours) {
        Set<Integer> ids = new HashSet<>();
        for (int q = 0; q < neighbours.queries(); q++) {
            for (int p : neighbours.ranked(q)) {
                ids.add(neighbours.trainId(p));
            }
        }
        Broadcast<Set<Integer>> wanted = sc.broadcast(ids);
        try {
            return database.filter(image -> wanted.value().contains(Math.toIntExact(image.id())))
                    .mapToPair(image -> new scala.Tuple2<>(Math.toIntExact(image.id()), new Image(image.path(), image.label())))
                    .collectAsMap();
        } finally {
            wanted.destroy();
        }
    }

    /** Writes the rankings as one Parquet table ({@link #SCHEMA}, rank from 1); an existing table is an error. */
    public static long write(SparkSession spark, List<Ranking> rankings, String out) {
        List<Row> rows = new ArrayList<>();
        for (Ranking r : rankings) {
            for (int q = 0; q < r.queries().size(); q++) {
                int[] ranked = r.neighbours().ranked(q);
                for (int i = 0; i < ranked.length; i++) {
                    rows.add(RowFactory.create(r.features(), r.queries().get(q).path(), i + 1,
                            r.database().get(r.neighbours().trainId(ranked[i])).path(), r.neighbours().similarity(ranked[i])));
                }
            }
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        spark.createDataFrame(sc.parallelize(rows, Math.max(1, rows.size() / 100_000)), SCHEMA).write().mode(SaveMode.ErrorIfExists).parquet(out);
        return rows.size();
    }
}
