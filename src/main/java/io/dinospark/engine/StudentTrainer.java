package io.dinospark.engine;

import org.apache.spark.api.java.JavaRDD;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The driver's student: one {@link #fit} is one parameter-averaging round over Spark, each worker (partition)
 * training on its minibatches from the current parameters and optimizer state, then both averaged over the workers
 * that had data.
 */
public interface StudentTrainer {

    /** Trains one step on each partition's minibatches; returns the mean loss of the last minibatch per worker. */
    double fit(JavaRDD<Minibatch> minibatches, StepSettings settings);

    /** The parameters after the last fit: a live view, not to be modified. */
    INDArray params();

    /** A copy of the parameters, optimizer state and update count. */
    StudentState state();

    /** Puts the student back to {@code state} (a step that produced a non-finite loss is rolled back). */
    void restore(StudentState state);
}
