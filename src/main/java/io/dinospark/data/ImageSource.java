package io.dinospark.data;

import java.io.Serializable;

/**
 * Where a data set's images are: a root (any Hadoop FileSystem URI) and its layout; for a Parquet table, the
 * columns holding the encoded image bytes and, if the table has them, the label and an image name or path.
 */
public record ImageSource(String root, ImageLayout layout, String bytesColumn, String labelColumn, String pathColumn)
        implements Serializable {

    /** Images stored as files under {@code root}. */
    public static ImageSource files(String root, ImageLayout layout) {
        if (layout == ImageLayout.PARQUET) {
            throw new IllegalArgumentException("a Parquet source needs its columns: use ImageSource.parquet");
        }
        return new ImageSource(root, layout, null, null, null);
    }

    /** A Parquet table with an image-bytes column and optional label and path columns. */
    public static ImageSource parquet(String root, String bytesColumn, String labelColumn, String pathColumn) {
        return new ImageSource(root, ImageLayout.PARQUET, bytesColumn, labelColumn, pathColumn);
    }
}
