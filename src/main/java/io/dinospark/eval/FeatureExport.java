package io.dinospark.eval;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Features as a Parquet table for downstream use: one row per image, {@code path} (string), {@code label} (string,
 * null when the source has none) and {@code feature} (array of float). Written by the executors.
 */
public final class FeatureExport {

    public static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("path", DataTypes.StringType, false),
        DataTypes.createStructField("label", DataTypes.StringType, true),
        DataTypes.createStructField("feature", DataTypes.createArrayType(DataTypes.FloatType, false), false)});

    private FeatureExport() {
    }

    /**
     * Writes {@code features} to {@code out}; an existing table there is an error, never overwritten. Returns the
     * rows written (images that could not be decoded were skipped, and logged, on the executors).
     */
    public static long write(SparkSession spark, JavaRDD<ImageFeature> features, String out) {
        // Spark takes a Java array (not a java.util.List) for an array column.
        JavaRDD<Row> rows = features.map(f -> RowFactory.create(f.path(), f.label(), f.feature()));
        spark.createDataFrame(rows, SCHEMA).write().mode(SaveMode.ErrorIfExists).parquet(out);
        return read(spark, out).count(); // from the Parquet footers
    }

    /** Reads a table {@link #write} wrote. */
    public static Dataset<Row> read(SparkSession spark, String table) {
        return spark.read().parquet(table);
    }
}
