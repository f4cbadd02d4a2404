package io.dinospark.augment;

import io.dinospark.config.AugmentConfig;
import io.dinospark.config.CropConfig;
import io.dinospark.data.RgbImage;
import java.util.SplittableRandom;

/**
 * The view fine-tuning trains on: a random resized crop at the global size ({@code crops.global_scale}, the aspect
 * ratios of {@code augment.ratio}, bicubic), a horizontal flip with {@code augment.flip_p}, then normalisation,
 * packed channels-first as {@link EvaluationView}'s row, so the same network reads both. DeiT's colour and
 * RandAugment transforms and mixup are not applied. Holds scratch buffers: one instance per thread.
 */
public final class FineTuneView implements Augmentation {

    private final RandomResizedCrop crop;
    private final double flipP;
    private final Normalization normalization;
    private final BicubicResize resize = new BicubicResize();
    private final float[][] planes;

    public FineTuneView(CropConfig crops, AugmentConfig augment) {
        this.crop = new RandomResizedCrop(crops.globalSize(), crops.globalScale(), augment.ratio());
        this.flipP = augment.flipP();
        this.normalization = new Normalization(augment.mean(), augment.std());
        this.planes = new float[3][crops.globalSize() * crops.globalSize()];
    }

    /** Length of the row {@link #apply} writes: 3 x size x size. */
    @Override
    public int rowWidth() {
        return 3 * planes[0].length;
    }

    /** Writes a view of {@code image} drawn from {@code rng} to {@code out} from {@code offset}. */
    @Override
    public void apply(RgbImage image, SplittableRandom rng, float[] out, int offset) {
        int size = crop.size();
        CropBox box = crop.sample(image.width(), image.height(), rng);
        resize.resize(image, box, size, size, rng.nextDouble() < flipP, planes);
        normalization.apply(planes, size * size, out, offset);
    }
}
