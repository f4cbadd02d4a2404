package io.dinospark.eval;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The {@code k} nearest training images found so far for each query: (similarity, training id, label), kept per
 * query as a bounded min-heap in flat arrays. Order is total: higher similarity first, then lower training id, so
 * the result does not depend on the order images are offered in or tables are merged, and a distributed search
 * equals a single-process one exactly. Memory: {@code queries x k x 12} bytes.
 */
public final class Neighbours implements Serializable {

    /** The label of a neighbour found without class labels. */
    public static final int NO_LABEL = -1;

    private final int queries;
    private final int k;
    private final float[] similarity;
    private final int[] id;
    private final int[] label;
    private final int[] count;

    public Neighbours(int queries, int k) {
        if (queries < 0 || k <= 0) {
            throw new IllegalArgumentException("need queries >= 0 and k > 0, got " + queries + " and " + k);
        }
        this.queries = queries;
        this.k = k;
        long cells = (long) queries * k;
        if (cells > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(queries + " queries x k " + k + " neighbours do not fit one table");
        }
        this.similarity = new float[(int) cells];
        this.id = new int[(int) cells];
        this.label = new int[(int) cells];
        this.count = new int[queries];
    }

    public int queries() {
        return queries;
    }

    public int k() {
        return k;
    }

    /** How many neighbours query {@code q} has (fewer than k while fewer training images were offered). */
    public int count(int q) {
        return count[q];
    }

    /** Offers training image {@code trainId} (of class {@code trainLabel}) at {@code sim} to query {@code q}. */
    public void offer(int q, float sim, int trainId, int trainLabel) {
        int base = q * k;
        int n = count[q];
        if (n < k) {
            set(base + n, sim, trainId, trainLabel);
            count[q] = n + 1;
            siftUp(base, n);
        } else if (before(sim, trainId, similarity[base], id[base])) {
            set(base, sim, trainId, trainLabel);
            siftDown(base, k);
        }
    }

    /** Adds {@code other}'s neighbours (of the same queries) to this table; returns this table. */
    public Neighbours merge(Neighbours other) {
        if (other.queries != queries || other.k != k) {
            throw new IllegalArgumentException("cannot merge a " + other.queries + " x " + other.k + " table into a "
                    + queries + " x " + k + " one");
        }
        for (int q = 0; q < queries; q++) {
            int base = q * k;
            for (int i = 0; i < other.count[q]; i++) {
                offer(q, other.similarity[base + i], other.id[base + i], other.label[base + i]);
            }
        }
        return this;
    }

    /** Query {@code q}'s neighbours, best first, as positions for {@link #similarity}, {@link #label}, {@link #trainId}. */
    public int[] ranked(int q) {
        int base = q * k;
        Integer[] order = new Integer[count[q]];
        for (int i = 0; i < order.length; i++) {
            order[i] = base + i;
        }
        Arrays.sort(order, (a, b) -> before(similarity[a], id[a], similarity[b], id[b]) ? -1
                : before(similarity[b], id[b], similarity[a], id[a]) ? 1 : 0);
        return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }

    public float similarity(int position) {
        return similarity[position];
    }

    public int label(int position) {
        return label[position];
    }

    public int trainId(int position) {
        return id[position];
    }

    /** True if (s1, id1) ranks before (s2, id2): more similar, or as similar with a lower id. */
    private static boolean before(float s1, int id1, float s2, int id2) {
        return s1 > s2 || s1 == s2 && id1 < id2;
    }

    private void set(int at, float sim, int trainId, int trainLabel) {
        similarity[at] = sim;
        id[at] = trainId;
        label[at] = trainLabel;
    }

    /** The heap's root is its worst entry: children never rank after their parent. */
    private void siftUp(int base, int i) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (!before(similarity[base + parent], id[base + parent], similarity[base + i], id[base + i])) {
                return;
            }
            swap(base + parent, base + i);
            i = parent;
        }
    }

    private void siftDown(int base, int n) {
        int i = 0;
        while (true) {
            int worst = i;
            for (int child = 2 * i + 1; child <= 2 * i + 2 && child < n; child++) {
                if (before(similarity[base + worst], id[base + worst], similarity[base + child], id[base + child])) {
                    worst = child;
                }
            }
            if (worst == i) {
                return;
            }
            swap(base + i, base + worst);
            i = worst;
        }
    }

    private void swap(int a, int b) {
        float s = similarity[a];
        similarity[a] = similarity[b];
        similarity[b] = s;
        int t = id[a];
        id[a] = id[b];
        id[b] = t;
        t = label[a];
        label[a] = label[b];
        label[b] = t;
    }
}
