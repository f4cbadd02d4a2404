/**
 * The DL4J engine: the network of {@link io.dinospark.model.DinoNetwork} trained on Spark by DL4J's
 * parameter-averaging {@code SparkDl4jMultiLayer}, its executor-side teacher and feature networks.
 */
package io.dinospark.engine.dl4j;
