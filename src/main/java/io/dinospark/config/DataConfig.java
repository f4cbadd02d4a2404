package io.dinospark.config;

import static io.dinospark.config.ConfigException.require;

import java.io.Serializable;
import java.util.List;

/**
 * The training images: a root (any Hadoop FileSystem URI) and its layout; for a Parquet table, its columns.
 */
public record DataConfig(String root, String layout, String bytesColumn, String labelColumn, String pathColumn)
        implements Serializable {

    static final List<String> LAYOUTS = List.of("imagenet", "flat", "index", "parquet");

    public DataConfig {
        require(!root.isBlank(), "data.root", "\"" + root + "\"", "must name a folder or table");
        require(LAYOUTS.contains(layout), "data.layout", layout, "must be one of " + String.join(", ", LAYOUTS));
        require(!bytesColumn.isBlank(), "data.bytes_column", "\"" + bytesColumn + "\"", "must name a column");
    }
}
