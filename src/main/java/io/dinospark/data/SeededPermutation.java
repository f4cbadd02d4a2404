package io.dinospark.data;

/**
 * A seeded random permutation of {@code [0, n)} computed element by element, in both directions, with no table: a
 * four-round Feistel network over the smallest even-bit domain holding {@code n}, cycle-walking back into range.
 * An epoch's image order at ImageNet scale thus costs no memory, on the driver or anywhere else.
 */
public final class SeededPermutation {

    private static final int ROUNDS = 4;

    private final long n;
    private final long seed;
    private final int halfBits;
    private final long halfMask;

    public SeededPermutation(long n, long seed) {
        if (n <= 0) {
            throw new IllegalArgumentException("a permutation needs at least one element, got n = " + n);
        }
        this.n = n;
        this.seed = seed;
        int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(n - 1));
        this.halfBits = (bits + 1) / 2;
        this.halfMask = (1L << halfBits) - 1;
    }

    public long size() {
        return n;
    }

    /** The element at position {@code position}. */
    public long apply(long position) {
        check(position);
        long x = position;
        do {
            x = encrypt(x);
        } while (x >= n);
        return x;
    }

    /** The position of {@code element}: {@code inverse(apply(p)) == p}. */
    public long inverse(long element) {
        check(element);
        long x = element;
        do {
            x = decrypt(x);
        } while (x >= n);
        return x;
    }

    private void check(long i) {
        if (i < 0 || i >= n) {
            throw new IllegalArgumentException(i + " is outside [0, " + n + ")");
        }
    }

    private long encrypt(long x) {
        long left = x >>> halfBits;
        long right = x & halfMask;
        for (int r = 0; r < ROUNDS; r++) {
            long next = left ^ round(r, right);
            left = right;
            right = next;
        }
        return (left << halfBits) | right;
    }

    private long decrypt(long x) {
        long left = x >>> halfBits;
        long right = x & halfMask;
        for (int r = ROUNDS - 1; r >= 0; r--) {
            long previous = right ^ round(r, left);
            right = left;
            left = previous;
        }
        return (left << halfBits) | right;
    }

    private long round(int r, long half) {
        return mix(seed + 0x9E3779B97F4A7C15L * (r + 1) + half) & halfMask;
    }

    /** SplitMix64's finaliser: a strong 64-bit mix. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
