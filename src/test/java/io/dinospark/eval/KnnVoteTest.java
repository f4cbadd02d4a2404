package io.dinospark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The reference's weighted vote: exp(sim / T) summed per class, ranked, ties to the lower class index. */
class KnnVoteTest {

    @Test
    void aCloseNeighbourOutweighsSeveralFarOnes() {
        Neighbours n = new Neighbours(1, 3);
        n.offer(0, 0.9f, 0, 2);
        n.offer(0, 0.5f, 1, 1);
        n.offer(0, 0.5f, 2, 1);
        // exp(0.9 / 0.07) = 3.8e5 against 2 exp(0.5 / 0.07) = 2.5e3: class 2 wins at T = 0.07 ...
        assertEquals(1.0, KnnVote.accuracy(n, new int[] {2}, 3, List.of(3), 0.07).get(0).top1());
        // ... and loses to the two votes when T is large enough that weights are nearly equal.
        assertEquals(1.0, KnnVote.accuracy(n, new int[] {1}, 3, List.of(3), 100).get(0).top1());
    }

    @Test
    void equalVotesGoToTheLowerClassIndex() {
        Neighbours n = new Neighbours(2, 2);
        for (int q = 0; q < 2; q++) {
            n.offer(q, 0.4f, 0, 3);
            n.offer(q, 0.4f, 1, 1);
        }
        KnnVote.Accuracy a = KnnVote.accuracy(n, new int[] {1, 3}, 4, List.of(2), 0.07).get(0);
        assertEquals(0.5, a.top1()); // class 1 predicted for both; only the first query is class 1
        assertEquals(1.0, a.top5());
    }

    @Test
    void kLargerThanTheTrainingSetUsesEveryImage() {
        Neighbours n = new Neighbours(1, 200);
        n.offer(0, 0.9f, 0, 0);
        n.offer(0, 0.8f, 1, 1);
        n.offer(0, 0.7f, 2, 1);
        List<KnnVote.Accuracy> a = KnnVote.accuracy(n, new int[] {1}, 2, List.of(1, 200), 1000);
        assertEquals(0.0, a.get(0).top1()); // k 1: the nearest is class 0
        assertEquals(1.0, a.get(1).top1()); // k 200 = all 3: class 1 has two votes of nearly equal weight
    }

    @Test
    void topFiveLooksAtMinFiveKClassesRankedOverAllClasses() {
        Neighbours n = new Neighbours(1, 10);
        for (int i = 0; i < 10; i++) {
            n.offer(0, 0.9f - 0.01f * i, i, i % 2); // votes for classes 0 and 1 only
        }
        // Class 4 has no vote: ranked after 0 and 1, then by index (2, 3, 4): in the top 5 of k 10, not of k 2.
        List<KnnVote.Accuracy> a = KnnVote.accuracy(n, new int[] {4}, 8, List.of(2, 10), 0.07);
        assertEquals(0.0, a.get(0).top5());
        assertEquals(1.0, a.get(1).top5());
        assertEquals(5, KnnVote.rankOf(new double[] {0, 0, 0, 0, 0, 0, 0}, 5));
    }

    @Test
    void badArgumentsAreRefused() {
        Neighbours n = new Neighbours(1, 5);
        assertThrows(IllegalArgumentException.class, () -> KnnVote.accuracy(n, new int[] {0}, 2, List.of(6), 0.07));
        assertThrows(IllegalArgumentException.class, () -> KnnVote.accuracy(n, new int[] {0, 1}, 2, List.of(5), 0.07));
    }
}
