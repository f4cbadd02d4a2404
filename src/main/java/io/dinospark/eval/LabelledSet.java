package io.dinospark.eval;

import java.util.List;
import java.util.Locale;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;

import io.dinospark.data.ImageCatalog;
import io.dinospark.data.ImageRef;
import io.dinospark.data.ImageSource;
import io.dinospark.data.SeededPermutation;

/** A labelled image set for evaluation (every image has a class), listed by the executors. */
public final class LabelledSet {

    private final ImageSource source;
    private final JavaRDD<ImageRef> images;
    private final long count;

    private LabelledSet(ImageSource source, JavaRDD<ImageRef> images, long count) {
        this.source = source;
        this.images = images;
        this.count = count;
    }

    /**
     * Lists {@code source} and checks that every image has a label.
     *
     * @param role what the set is for, in messages: "train", "val"
     * @throws IllegalArgumentException naming the root, if it holds no image or an image without a label
     */
    public static LabelledSet list(SparkSession spark, ImageSource source, String role) {
        ImageCatalog catalog = ImageCatalog.list(spark, source);
        requireLabels(catalog, source, role);
        return new LabelledSet(source, catalog.images(), catalog.count());
    }

    /**
     * Checks that every image of {@code catalog}, the listing of {@code source}, has a label; an error naming the
     * root otherwise, the catalog released.
     */
    public static void requireLabels(ImageCatalog catalog, ImageSource source, String role) {
        long unlabelled = catalog.images().filter(image -> image.label() == null).count();
        if (unlabelled > 0) {
            catalog.release();
            throw new IllegalArgumentException("the " + role + " set " + source.root() + " (layout "
                    + source.layout().name().toLowerCase(Locale.ROOT) + ") has " + unlabelled + " of " + catalog.count()
                    + " images without a label; it needs labelled images: class folders (layout imagenet),"
                    + " an index.tsv with a label column (layout index) or a label column (layout parquet)");
        }
    }

    /** At most {@code n} of this set's images, a seeded random choice (the same for the same seed). */
    public LabelledSet sample(long n, long seed) {
        if (n >= count) {
            return this;
        }
        long size = count;
        // The permutation's inverse gives each image its position in a seeded order; the first n are kept.
        JavaRDD<ImageRef> chosen = images.filter(image -> new SeededPermutation(size, seed).inverse(image.id()) < n)
                .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        long chosenCount = chosen.count();
        images.unpersist(); // the sample is all that is used from here on
        return new LabelledSet(source, chosen, chosenCount);
    }

    /** The class names present in this set, in no particular order ({@link LabelIndex#of} sorts them). */
    public List<String> classes() {
        return images.map(ImageRef::label).distinct().collect();
    }

    public ImageSource source() {
        return source;
    }

    public JavaRDD<ImageRef> images() {
        return images;
    }

    public long count() {
        return count;
    }
}
