package io.dinospark.augment;

import io.dinospark.config.AugmentConfig;
import io.dinospark.config.CropConfig;
import io.dinospark.data.RgbImage;
import io.dinospark.model.CropLayout;
import java.util.SplittableRandom;

/**
 * DINO's multi-crop augmentation ({@code DataAugmentationDINO} in the authors' {@code main_dino.py}): from one
 * image, two global crops and {@code crops.localNumber()} local crops, each packed channels-first and normalised
 * into one row as {@link CropLayout} describes. Per view: random resized crop (bicubic), horizontal flip, color
 * jitter, grayscale, Gaussian blur (p 1.0 / 0.1 / 0.5 for global 1 / global 2 / local), solarization (global 2
 * only), normalisation. Every random choice comes from the caller's rng, so the same image and rng state give the
 * same row. Holds scratch buffers: use one instance per thread.
 */
public final class MultiCropAugmentation implements Augmentation {

    private final CropConfig crops;
    private final AugmentConfig augment;
    private final CropLayout layout;
    private final RandomResizedCrop globalCrop;
    private final RandomResizedCrop localCrop;
    private final ColorJitter colorJitter;
    private final Normalization normalization;
    private final BicubicResize resize = new BicubicResize();
    private final GaussianBlur blur = new GaussianBlur();
    /** One view being built, as 3 planes: separate arrays keep every pixel loop to one index. */
    private final float[][] globalView;
    private final float[][] localView;

    public MultiCropAugmentation(CropConfig crops, AugmentConfig augment) {
        this.crops = crops;
        this.augment = augment;
        this.layout = new CropLayout(crops.globalSize(), crops.localSize());
        this.globalCrop = new RandomResizedCrop(crops.globalSize(), crops.globalScale(), augment.ratio());
        this.localCrop = new RandomResizedCrop(crops.localSize(), crops.localScale(), augment.ratio());
        this.colorJitter = new ColorJitter(augment.brightness(), augment.contrast(), augment.saturation(),
                augment.hue());
        this.normalization = new Normalization(augment.mean(), augment.std());
        this.globalView = new float[3][crops.globalSize() * crops.globalSize()];
        this.localView = new float[3][crops.localNumber() > 0 ? crops.localSize() * crops.localSize() : 0];
    }

    /** Length of the row {@link #apply} writes: 2 global crops and {@code crops.localNumber()} local crops. */
    @Override
    public int rowWidth() {
        return Math.toIntExact(layout.rowWidth(crops.localNumber()));
    }

    /** Writes {@code image}'s augmented views, as one packed row of {@link #rowWidth()} values, at {@code offset}. */
    @Override
    public void apply(RgbImage image, SplittableRandom rng, float[] out, int offset) {
        if (offset < 0 || (long) offset + rowWidth() > out.length) {
            throw new IllegalArgumentException("a row of " + rowWidth() + " values does not fit at offset " + offset
                    + " of an array of " + out.length);
        }
        int at = offset;
        view(image, rng, globalCrop, globalView, augment.blurPGlobal1(), 0, out, at);
        at += 3 * globalView[0].length;
        view(image, rng, globalCrop, globalView, augment.blurPGlobal2(), augment.solarizeP(), out, at);
        at += 3 * globalView[0].length;
        for (int i = 0; i < crops.localNumber(); i++) {
            view(image, rng, localCrop, localView, augment.blurPLocal(), 0, out, at);
            at += 3 * localView[0].length;
        }
    }

    /** One view, in the reference's order: crop, flip, jitter, grayscale, blur, solarize, normalise. */
    private void view(RgbImage image, SplittableRandom rng, RandomResizedCrop crop, float[][] px, double blurP,
            double solarizeP, float[] out, int at) {
        int size = crop.size();
        int n = size * size;
        CropBox box = crop.sample(image.width(), image.height(), rng);
        // The flip is folded into the resize, which writes columns mirrored: the same pixels, one pass fewer.
        boolean flip = rng.nextDouble() < augment.flipP();
        resize.resize(image, box, size, size, flip, px);
        if (rng.nextDouble() < augment.colorJitterP()) {
            colorJitter.apply(px, n, rng);
        }
        if (rng.nextDouble() < augment.grayscaleP()) {
            Grayscale.apply(px, n);
        }
        if (rng.nextDouble() < blurP) {
            blur.apply(px, size, size, RandomResizedCrop.uniform(rng, augment.blurRadius().min(),
                    augment.blurRadius().max()));
        }
        if (solarizeP > 0 && rng.nextDouble() < solarizeP) {
            Solarization.apply(px, n, augment.solarizeThreshold());
        }
        normalization.apply(px, n, out, at);
    }
}
