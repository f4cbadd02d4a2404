package io.dinospark.data;

import java.util.Locale;

/** How a data set's images are laid out under its root. */
public enum ImageLayout {
    /** {@code root/<class>/<image>}: class folders give labels (for evaluation only). */
    IMAGENET,
    /** A folder of images (searched recursively), no labels. */
    FLAT,
    /** {@code root/index.tsv} as written by {@code prepare}: {@code path<TAB>size<TAB>label}, paths relative to root. */
    INDEX,
    /** A Parquet table (file or folder) with a column of encoded image bytes; see {@link ImageSource#parquet}. */
    PARQUET;

    public static ImageLayout parse(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown image layout '" + name + "'; expected imagenet, flat, index or parquet");
        }
    }
}
