package io.dinospark.data;

import java.io.Serializable;

import io.dinospark.config.DataConfig;

/**
 * Where a data set's images are: a root (any Hadoop FileSystem URI) and its layout; for a Parquet table, the
 * columns holding the encoded image bytes and, if the table has them, the label and an image name or path.
 */
public record ImageSource(String root, ImageLayout layout, String bytesColumn, String labelColumn, String pathColumn)
        implements Serializable {

    /** The source the {@code data} section describes. */
    public static ImageSource of(DataConfig data) {
        ImageLayout layout = ImageLayout.parse(data.layout());
        return layout == ImageLayout.PARQUET
                ? parquet(data.root(), data.bytesColumn(), data.labelColumn(), data.pathColumn())
                : files(data.root(), layout);
    }

    /** The same kind of source (layout, columns) at another root: a run's val set beside its train set. */
    public ImageSource at(String otherRoot) {
        return new ImageSource(otherRoot, layout, bytesColumn, labelColumn, pathColumn);
    }

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
