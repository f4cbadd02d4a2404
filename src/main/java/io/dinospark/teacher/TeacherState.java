package io.dinospark.teacher;

import java.io.Serializable;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the driver broadcasts to the executors each step: the teacher's parameters and center and the teacher
 * temperature, under a version (the global step) that lets an executor keep its teacher network and swap only
 * the parameters.
 */
public record TeacherState(long version, INDArray params, INDArray center, double temperature) implements Serializable {
}
