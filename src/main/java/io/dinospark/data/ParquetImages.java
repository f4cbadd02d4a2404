package io.dinospark.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.Arrays;
import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/** Images stored in a Parquet table: one row per image, its encoded bytes in one column. */
final class ParquetImages {

    private ParquetImages() {
    }

    /**
     * The table's images with their bytes. Without a path column an image is named {@code <root>#<row>} (its rank in
     * the table's own order), which also orders the catalog.
     */
    static JavaRDD<ImageRef> rows(SparkSession spark, ImageSource source) {
        Dataset<Row> table = spark.read().parquet(source.root());
        List<String> columns = Arrays.asList(table.columns());
        if (source.bytesColumn() == null || !columns.contains(source.bytesColumn())
                || !table.schema().apply(source.bytesColumn()).dataType().equals(DataTypes.BinaryType)) {
            throw new IllegalArgumentException("Parquet table " + source.root() + " has no binary column '"
                    + source.bytesColumn() + "' of encoded images; its columns are " + columns);
        }
        Column label = optional(columns, source.labelColumn());
        Column path = optional(columns, source.pathColumn());
        String root = source.root();
        return table.select(col(source.bytesColumn()), label, path).javaRDD().zipWithIndex()
                .map(pair -> {
                    Row row = pair._1();
                    String name = row.isNullAt(2) ? String.format("%s#%012d", root, pair._2()) : row.getString(2);
                    return new ImageRef(-1, name, row.isNullAt(1) ? null : String.valueOf(row.get(1)), row.getAs(0));
                });
    }

    private static Column optional(List<String> columns, String name) {
        return name != null && columns.contains(name) ? col(name).cast(DataTypes.StringType) : lit(null).cast(DataTypes.StringType);
    }
}
