package io.dinospark.data;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.apache.hadoop.conf.Configuration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dinospark.augment.Augmentation;
import io.dinospark.augment.MultiCropAugmentation;
import io.dinospark.config.AugmentConfig;
import io.dinospark.config.CropConfig;

/**
 * The executor side of a step: reads each image's bytes from shared storage (or takes them from a table row),
 * decodes it once, makes its crops
 * with the seed of (run, epoch, image) and packs them into the network's rows. An image that cannot be read or
 * decoded is skipped, logged with its path and returned for counting; the rest of the batch goes on.
 */
public final class CropRowsReader implements Serializable {

    private static final Logger LOG = LoggerFactory.getLogger(CropRowsReader.class);

    private final Augmentation.Factory augmentations;
    private final long runSeed;
    private transient Augmentation augmentation;

    /** DINO's multi-crop rows. */
    public CropRowsReader(CropConfig crops, AugmentConfig augment, long runSeed) {
        this(() -> new MultiCropAugmentation(crops, augment), runSeed);
    }

    /** Rows of the augmentation {@code augmentations} makes on each executor. */
    public CropRowsReader(Augmentation.Factory augmentations, long runSeed) {
        this.augmentations = augmentations;
        this.runSeed = runSeed;
    }

    public CropBatch read(List<ImageRef> images, int epoch, Configuration hadoop) {
        if (augmentation == null) {
            augmentation = augmentations.create();
        }
        int width = augmentation.rowWidth();
        float[] data = new float[images.size() * width];
        List<ImageRef> used = new ArrayList<>(images.size());
        List<SkippedImage> skipped = new ArrayList<>();
        for (ImageRef image : images) {
            try {
                RgbImage decoded = ImageDecoder.decode(image.encoded(hadoop), image.path());
                SplittableRandom rng = new SplittableRandom(RunSeeds.imageCrops(runSeed, epoch, image.id()));
                augmentation.apply(decoded, rng, data, used.size() * width);
                used.add(image);
            } catch (UndecodableImageException e) {
                skipped.add(skip(image, e.reason().name(), e.getMessage()));
            } catch (IOException e) {
                skipped.add(skip(image, "UNREADABLE", "cannot read " + image.path() + ": " + e));
            }
        }
        float[] rows = used.size() == images.size() ? data : Arrays.copyOf(data, used.size() * width);
        return new CropBatch(used.isEmpty() ? Nd4j.create(DataType.FLOAT, 0, width)
                : Nd4j.create(rows, new long[] {used.size(), width}, DataType.FLOAT), used, skipped);
    }

    private static SkippedImage skip(ImageRef image, String reason, String message) {
        LOG.warn("skipping image {}: {}", image.path(), message);
        return new SkippedImage(image.path(), reason, message);
    }
}
