package io.dinospark.augment;

import java.util.Arrays;

/**
 * Applies a separable filter (vertical taps, then horizontal taps) to a box of one image plane. Both passes
 * accumulate whole lines with a single index, the loop shape the JIT vectorises: the box's rows are copied into row
 * arrays (a ring of as many as the vertical taps span), the vertical pass's lines are stored transposed so that the
 * horizontal pass reads lines too, and its output lines are written back transposed (mirrored, for a flip). Holds
 * scratch buffers: one instance per thread.
 */
final class SeparableFilter {

    /** Lines are moved between the two layouts in groups of this many, which amortises the per-line overhead. */
    private static final int GROUP = 4;

    /** Source rows, row {@code r} in slot {@code r % ksize}: only the window the vertical taps read is held. */
    private float[][] rows = new float[0][];
    /** The rows one vertical output reads, in order. */
    private float[][] window = new float[0][];
    private float[][] columns = new float[0][];
    private float[][] lines = new float[GROUP][0];

    /**
     * Filters {@code box} of the plane starting at {@code src[origin]} (rows of {@code srcWidth}) into {@code dst}
     * ({@code horizontal.outSize x vertical.outSize}, row-major), columns mirrored if {@code mirror}, clamped to
     * [0, 1]. {@code dst} may be {@code src}: the vertical pass reads all it needs before anything is written.
     */
    void apply(float[] src, int origin, int srcWidth, CropBox box, FilterTaps vertical, FilterTaps horizontal,
            boolean mirror, float[] dst) {
        int boxWidth = box.width();
        int outWidth = horizontal.outSize;
        int outHeight = vertical.outSize;
        if (vertical.inSize != box.height() || horizontal.inSize != boxWidth) {
            throw new IllegalArgumentException("taps for " + horizontal.inSize + "x" + vertical.inSize + ", box " + box);
        }
        int slots = vertical.ksize;
        rows = ensure(rows, slots, boxWidth);
        if (window.length < slots) {
            window = new float[slots][];
        }
        columns = ensure(columns, boxWidth, outHeight);
        lines = ensure(lines, GROUP, Math.max(boxWidth, outHeight));
        int first = origin + box.top() * srcWidth + box.left();
        int loaded = 0;
        // Vertical pass: output rows y .. y + group - 1, stored as column entries. The taps' windows only move
        // down, so a row copied into slot r % ksize is overwritten only once no later output reads it.
        for (int y = 0; y < outHeight; y += GROUP) {
            int group = Math.min(GROUP, outHeight - y);
            for (int k = 0; k < group; k++) {
                int start = vertical.start[y + k];
                int count = vertical.count[y + k];
                for (; loaded < start + count; loaded++) {
                    System.arraycopy(src, first + loaded * srcWidth, rows[loaded % slots], 0, boxWidth);
                }
                for (int j = 0; j < count; j++) {
                    window[j] = rows[(start + j) % slots];
                }
                accumulate(vertical, y + k, window, 0, boxWidth, lines[k]);
            }
            for (int x = 0; x < boxWidth; x++) {
                float[] column = columns[x];
                for (int k = 0; k < group; k++) {
                    column[y + k] = lines[k][x];
                }
            }
        }
        // Horizontal pass: output columns x .. x + group - 1, clamped, stored into rows of dst.
        for (int x = 0; x < outWidth; x += GROUP) {
            int group = Math.min(GROUP, outWidth - x);
            for (int k = 0; k < group; k++) {
                float[] line = lines[k];
                accumulate(horizontal, x + k, columns, horizontal.start[x + k], outHeight, line);
                for (int y = 0; y < outHeight; y++) {
                    line[y] = Math.min(1f, Math.max(0f, line[y]));
                }
            }
            for (int k = 0; k < group; k++) {
                float[] line = lines[k];
                int column = mirror ? outWidth - 1 - (x + k) : x + k;
                for (int y = 0; y < outHeight; y++) {
                    dst[column + y * outWidth] = line[y];
                }
            }
        }
    }

    /** {@code out[0, length)} = output {@code i}'s weighted sum of its input lines, {@code in[first ...]}. */
    private static void accumulate(FilterTaps taps, int i, float[][] in, int first, int length, float[] out) {
        int base = i * taps.ksize;
        float w0 = taps.weights[base];
        float[] in0 = in[first];
        for (int x = 0; x < length; x++) {
            out[x] = w0 * in0[x];
        }
        for (int j = 1; j < taps.count[i]; j++) {
            float w = taps.weights[base + j];
            float[] inJ = in[first + j];
            for (int x = 0; x < length; x++) {
                out[x] += w * inJ[x];
            }
        }
    }

    /** {@code lines} grown to at least {@code count} lines of at least {@code length} values. */
    private static float[][] ensure(float[][] lines, int count, int length) {
        if (lines.length < count) {
            lines = Arrays.copyOf(lines, count);
        }
        for (int i = 0; i < count; i++) {
            if (lines[i] == null || lines[i].length < length) {
                lines[i] = new float[length];
            }
        }
        return lines;
    }
}
