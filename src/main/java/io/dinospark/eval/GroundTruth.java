package io.dinospark.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.spark.api.java.JavaRDD;

import io.dinospark.data.ImageRef;
import io.dinospark.eval.AveragePrecision.Relevance;
import io.dinospark.eval.ImageRetrieval.Image;

/**
 * What each query should find in the database: how many positives it has there, and what a database image is to it
 * (positive, junk or negative). Scores a {@link ImageRetrieval.Ranking} by the revisited protocol.
 */
public interface GroundTruth {

    /** One line of a retrieval result: mean AP and mean precision at 1, 5 and 10, fractions. */
    record Row(String features, double map, double precisionAt1, double precisionAt5, double precisionAt10,
            int queriesScored) {
    }

    /** The query's positives in the whole database; 0 leaves the query out of the mean (the reference's NaN). */
    int positives(Image query);

    Relevance relevance(Image query, Image database);

    /** How the ground truth was given, for results: {@code same-class} or the file. */
    String describe();

    /** The mean AP and precision at 1, 5, 10 of {@code ranking}'s queries that have a positive. */
    default Row score(ImageRetrieval.Ranking ranking) {
        List<AveragePrecision.Score> scores = new ArrayList<>();
        for (int q = 0; q < ranking.queries().size(); q++) {
            Image query = ranking.queries().get(q);
            int positives = positives(query);
            if (positives == 0) {
                continue;
            }
            List<Relevance> relevance = ranking.ranked(q).stream().map(d -> relevance(query, d)).toList();
            scores.add(AveragePrecision.of(relevance, positives, AveragePrecision.REPORTED_KS));
        }
        AveragePrecision.Mean mean = AveragePrecision.Mean.of(scores);
        return new Row(ranking.features(), mean.map(), mean.precision()[0], mean.precision()[1], mean.precision()[2],
                mean.queries());
    }

    /**
     * Class retrieval: a database image of the query's class is a positive, every other a negative, nothing junk.
     *
     * @throws IllegalArgumentException naming the set when an image has no label
     */
    static GroundTruth sameClass(JavaRDD<ImageRef> database, String databaseRoot) {
        Map<String, Long> perClass = database.map(image -> image.label() == null ? "" : image.label()).countByValue();
        if (perClass.containsKey("")) {
            throw new IllegalArgumentException("--same-class needs labelled images; the database " + databaseRoot + " has "
                    + perClass.get("") + " without a label");
        }
        return new GroundTruth() {
            @Override
            public int positives(Image query) {
                if (query.label() == null) {
                    throw new IllegalArgumentException("--same-class needs labelled queries; " + query.path()
                            + " has no label");
                }
                return Math.toIntExact(perClass.getOrDefault(query.label(), 0L));
            }

            @Override
            public Relevance relevance(Image query, Image image) {
                return query.label().equals(image.label()) ? Relevance.POSITIVE : Relevance.NEGATIVE;
            }

            @Override
            public String describe() {
                return "same-class";
            }
        };
    }
}
