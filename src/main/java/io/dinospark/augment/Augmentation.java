package io.dinospark.augment;

import io.dinospark.data.RgbImage;
import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * A random augmentation that writes one packed row per image: DINO's multi-crop ({@link MultiCropAugmentation}) or
 * fine-tuning's view ({@link FineTuneView}). Every random choice comes from the caller's rng, so the same image and
 * rng state give the same row. Implementations hold scratch buffers: one instance per thread.
 */
public interface Augmentation {

    /** What makes an augmentation where it runs (an executor): a serializable recipe for one. */
    interface Factory extends Serializable {

        Augmentation create();
    }

    /** Length of the row {@link #apply} writes. */
    int rowWidth();

    /** Writes {@code image}'s augmented row of {@link #rowWidth()} values at {@code offset}. */
    void apply(RgbImage image, SplittableRandom rng, float[] out, int offset);
}
