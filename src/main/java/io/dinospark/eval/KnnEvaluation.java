package io.dinospark.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dinospark.config.AugmentConfig;

/**
 * Weighted k-NN evaluation of features (the reference's {@code eval_knn.py}): the val set's features are the
 * queries (collected to the driver: val x D, e.g. 50,000 x 384 floats = 77 MB), the train set's are searched on
 * the executors by {@link KnnSearch}, and {@link KnnVote} gives top-1 and top-5 for each k.
 */
public final class KnnEvaluation {

    private static final Logger LOG = LoggerFactory.getLogger(KnnEvaluation.class);

    /** The reference's k values and vote temperature. */
    public static final List<Integer> DEFAULT_KS = List.of(10, 20, 100, 200);
    public static final double DEFAULT_TEMPERATURE = 0.07;

    /** One line of the result table, as {@code eval/knn.json} holds it. */
    public record Row(String features, int k, double top1, double top5) {
    }

    private final LabelledSet train;
    private final LabelledSet val;
    private final LabelIndex labels;
    private final int viewSize;
    private final AugmentConfig augment;
    private final int batchSize;
    private final List<Integer> ks;
    private final double temperature;

    /**
     * @param viewSize the evaluation view's side (the run's global crop size)
     * @param augment  the run's normalisation (mean, std)
     */
    public KnnEvaluation(LabelledSet train, LabelledSet val, int viewSize, AugmentConfig augment, int batchSize,
            List<Integer> ks, double temperature) {
        if (ks.isEmpty() || ks.stream().anyMatch(k -> k <= 0)) {
            throw new IllegalArgumentException("k values must be > 0, got " + ks);
        }
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("the vote temperature must be > 0, got " + temperature);
        }
        this.train = train;
        this.val = val;
        this.labels = LabelIndex.of(train, val);
        this.viewSize = viewSize;
        this.augment = augment;
        this.batchSize = batchSize;
        this.ks = List.copyOf(ks);
        this.temperature = temperature;
        if (Collections.max(ks) > train.count()) {
            LOG.warn("k up to {} but the train set {} has {} images: such k use them all", Collections.max(ks),
                    train.source().root(), train.count());
        }
    }

    /** One row per k for the features of {@code model}. */
    public List<Row> evaluate(FeatureModel model) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(train.images().context());
        Broadcast<FeatureModel> features = sc.broadcast(model);
        Broadcast<LabelIndex> classes = sc.broadcast(labels);
        Neighbours neighbours;
        int[] queryLabels;
        try {
            List<ImageFeature> queries = FeatureExtractor.extract(val.images(), viewSize, augment, batchSize, features)
                    .collect();
            if (queries.isEmpty()) {
                throw new IllegalArgumentException("no image of the val set " + val.source().root() + " could be read");
            }
            queryLabels = queries.stream().mapToInt(f -> labels.of(f.label())).toArray();
            neighbours = KnnSearch.search(FeatureExtractor.extract(train.images(), viewSize, augment, batchSize, features),
                    classes, queries, Collections.max(ks));
        } finally {
            classes.destroy();
            features.destroy();
        }
        List<Row> rows = new ArrayList<>();
        for (KnnVote.Accuracy a : KnnVote.accuracy(neighbours, queryLabels, labels.size(), ks, temperature)) {
            rows.add(new Row(model.name(), a.k(), a.top1(), a.top5()));
        }
        return rows;
    }
}
