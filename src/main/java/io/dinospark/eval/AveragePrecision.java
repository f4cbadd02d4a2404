package io.dinospark.eval;

import java.util.Arrays;
import java.util.List;

/**
 * The revisited Oxford/Paris protocol's scores of one query's ranking (Radenovic et al. 2018, {@code compute_ap}
 * and {@code compute_map} of revisitop, which the authors' {@code eval_image_retrieval.py} and
 * {@code eval_copy_detection.py} call): junk images are removed from the ranking, AP is the trapezoidal area under
 * the precision-recall curve with recall steps of 1 / (the query's number of positives), and precision at k is
 * taken at {@code min(k, rank of the last positive found)}, as the reference does. A positive outside the ranking
 * (beyond the top k searched) is never found: it counts in the number of positives and adds no area.
 */
public final class AveragePrecision {

    /** What a ranked database image is to its query. */
    public enum Relevance {
        POSITIVE, JUNK, NEGATIVE
    }

    /** One query's AP and its precision at each of the asked k, fractions. */
    public record Score(double ap, double[] precision) {
    }

    /** The k of the precision at k that retrieval reports ({@link GroundTruth#score}): 1, 5 and 10, as the reference. Not to be written to. */
    static final int[] REPORTED_KS = {1, 5, 10};

    private AveragePrecision() {
    }

    /**
     * @param ranking   the query's ranked database images, best first
     * @param positives the query's number of positives in the whole database ({@code > 0}; a query without
     *                  positives has no score, and the mean leaves it out, as the reference does)
     * @param ks        the k of precision at k
     */
    public static Score of(List<Relevance> ranking, int positives, int[] ks) {
        if (positives <= 0) {
            throw new IllegalArgumentException("a query needs at least one positive to have an AP, got " + positives);
        }
        int[] found = new int[ranking.size()];
        int n = 0;
        int junkBefore = 0;
        for (int rank = 0; rank < ranking.size(); rank++) {
            switch (ranking.get(rank)) {
                case JUNK -> junkBefore++;
                case POSITIVE -> found[n++] = rank - junkBefore; // its position with the junk taken out
                case NEGATIVE -> { }
            }
        }
        if (n > positives) {
            throw new IllegalArgumentException("the ranking holds " + n + " positives, more than the query's " + positives);
        }
        double ap = 0;
        double recallStep = 1.0 / positives;
        for (int j = 0; j < n; j++) {
            int rank = found[j];
            double precisionBefore = rank == 0 ? 1.0 : (double) j / rank;
            double precisionAt = (double) (j + 1) / (rank + 1);
            ap += (precisionBefore + precisionAt) * recallStep / 2;
        }
        double[] precision = new double[ks.length];
        for (int i = 0; i < ks.length; i++) {
            if (ks[i] <= 0) {
                throw new IllegalArgumentException("precision at k needs k > 0, got " + ks[i]);
            }
            if (n == 0) {
                continue; // nothing found: precision 0 (the reference fails on an empty ranking of positives)
            }
            int k = Math.min(found[n - 1] + 1, ks[i]);
            int within = 0;
            for (int j = 0; j < n && found[j] + 1 <= k; j++) {
                within++;
            }
            precision[i] = (double) within / k;
        }
        return new Score(ap, precision);
    }

    /** Mean AP and mean precision at each k over queries' scores, fractions. */
    public record Mean(double map, double[] precision, int queries) {

        public static Mean of(List<Score> scores) {
            if (scores.isEmpty()) {
                throw new IllegalArgumentException("no query with a positive to average over");
            }
            double map = 0;
            double[] precision = new double[scores.get(0).precision().length];
            for (Score s : scores) {
                map += s.ap();
                for (int i = 0; i < precision.length; i++) {
                    precision[i] += s.precision()[i];
                }
            }
            int n = scores.size();
            return new Mean(map / n, Arrays.stream(precision).map(p -> p / n).toArray(), n);
        }
    }
}
