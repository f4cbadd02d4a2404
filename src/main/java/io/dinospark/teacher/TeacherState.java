package io.dinospark.teacher;

import java.io.Serializable;
import java.util.concurrent.atomic.AtomicLong;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the driver broadcasts to the executors each step: the teacher's parameters and center and the teacher
 * temperature, under a version that lets an executor keep its teacher network and swap only the parameters. Versions
 * are unique within the driver's JVM, so two runs in one JVM (local mode, tests) never share a cached teacher.
 */
public record TeacherState(long version, INDArray params, INDArray center, double temperature) implements Serializable {

    private static final AtomicLong VERSIONS = new AtomicLong();

    /** A state under a version no other state of this JVM has. */
    public static TeacherState of(INDArray params, INDArray center, double temperature) {
        return new TeacherState(VERSIONS.incrementAndGet(), params, center, temperature);
    }
}
