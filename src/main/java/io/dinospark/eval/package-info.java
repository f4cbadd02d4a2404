/**
 * What the features are worth: features of a backbone (a checkpoint's teacher, a randomly initialised one, or the
 * raw pixels) extracted on the executors, weighted k-NN with a top-k merge whose driver side holds only
 * queries x k, a linear probe on frozen features, their export as Parquet, and the result files of a run.
 */
package io.dinospark.eval;
