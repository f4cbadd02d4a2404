package io.dinospark.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The reference's weighted k-NN vote ({@code knn_classifier} in the authors' {@code eval_knn.py}): each of a
 * query's k nearest training images votes for its class with weight {@code exp(similarity / T)}; classes are ranked
 * by their summed votes (ties: lower class index first, so a class without votes can still fill a top-5 slot, as in
 * the reference's sort over all classes). Top-1: the first class is the query's; top-5: it is among the first
 * {@code min(5, k)}. A k above the number of training images uses them all.
 */
public final class KnnVote {

    /** Accuracy of one k, as fractions in [0, 1]. */
    public record Accuracy(int k, double top1, double top5) {
    }

    private KnnVote() {
    }

    /**
     * @param queryLabels each query's class index
     * @param classes     the number of classes (labels are in [0, classes))
     */
    public static List<Accuracy> accuracy(Neighbours neighbours, int[] queryLabels, int classes, List<Integer> ks,
            double temperature) {
        if (queryLabels.length != neighbours.queries()) {
            throw new IllegalArgumentException(queryLabels.length + " query labels for " + neighbours.queries() + " queries");
        }
        for (int k : ks) {
            if (k <= 0 || k > neighbours.k()) {
                throw new IllegalArgumentException("k = " + k + " is outside [1, " + neighbours.k() + "], the neighbours kept");
            }
        }
        long[] top1 = new long[ks.size()];
        long[] top5 = new long[ks.size()];
        double[] votes = new double[classes];
        for (int q = 0; q < neighbours.queries(); q++) {
            int[] ranked = neighbours.ranked(q);
            for (int j = 0; j < ks.size(); j++) {
                int k = ks.get(j);
                Arrays.fill(votes, 0);
                for (int i = 0; i < Math.min(k, ranked.length); i++) {
                    votes[neighbours.label(ranked[i])] += Math.exp(neighbours.similarity(ranked[i]) / temperature);
                }
                int rank = rankOf(votes, queryLabels[q]);
                top1[j] += rank == 0 ? 1 : 0;
                top5[j] += rank < Math.min(5, k) ? 1 : 0;
            }
        }
        List<Accuracy> result = new ArrayList<>();
        int n = Math.max(1, neighbours.queries());
        for (int j = 0; j < ks.size(); j++) {
            result.add(new Accuracy(ks.get(j), (double) top1[j] / n, (double) top5[j] / n));
        }
        return result;
    }

    /** Position of class {@code label} when classes are sorted by votes, descending, ties by lower index first. */
    static int rankOf(double[] votes, int label) {
        int rank = 0;
        for (int c = 0; c < votes.length; c++) {
            if (votes[c] > votes[label] || votes[c] == votes[label] && c < label) {
                rank++;
            }
        }
        return rank;
    }
}
