package io.dinospark.engine.torch;

import java.util.ArrayDeque;
import java.util.Deque;

import org.apache.spark.TaskContext;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.global.torch;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.dinospark.config.DinoConfig;
import io.dinospark.teacher.TeacherState;

/**
 * The torch networks resident in one executor JVM: a teacher, its parameters replaced only when the broadcast
 * version changes, and a pool of students, one per task training at the same time, that load each step's
 * parameters into the same tensors instead of being rebuilt. Inside a Spark task libtorch uses the task's cores
 * ({@code spark.task.cpus}), so concurrent tasks do not oversubscribe the executor.
 */
final class TorchExecutor {

    private static final Deque<TorchStudent> STUDENTS = new ArrayDeque<>();
    private static TorchDinoNetwork teacher;
    private static DinoConfig teacherConfig;
    private static long teacherVersion = Long.MIN_VALUE;
    private static boolean threadsSet;

    private TorchExecutor() {
    }

    /** Sets libtorch's threads to a task's cores, once per JVM, when called inside a Spark task. */
    static synchronized void useTaskCores() {
        TaskContext task = TaskContext.get();
        if (!threadsSet && task != null) {
            torch.set_num_threads(Math.max(1, task.cpus()));
            threadsSet = true;
        }
    }

    /** A resident student for {@code config}, to be given back with {@link #release}. */
    static TorchStudent borrow(DinoConfig config) {
        useTaskCores();
        synchronized (STUDENTS) {
            while (!STUDENTS.isEmpty()) {
                TorchStudent student = STUDENTS.pop();
                if (student.config().equals(config)) {
                    return student;
                }
                student.close(); // another run's network
            }
        }
        return new TorchStudent(config);
    }

    static void release(TorchStudent student) {
        synchronized (STUDENTS) {
            STUDENTS.push(student);
        }
    }

    /** The teacher's raw logits on rows of two global crops, {@code [B, 2K]}. */
    static synchronized INDArray teacherLogits(DinoConfig config, TeacherState state, INDArray globalCrops) {
        useTaskCores();
        if (teacher == null || !config.equals(teacherConfig)) {
            if (teacher != null) {
                teacher.close();
            }
            teacher = new TorchDinoNetwork(config);
            teacherConfig = config;
            teacherVersion = Long.MIN_VALUE;
        }
        if (state.version() != teacherVersion) {
            teacher.load(TorchArrays.floats(state.params()));
            teacherVersion = state.version();
        }
        long rows = globalCrops.size(0);
        float[] crops = TorchArrays.floats(globalCrops);
        float[] logits;
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            logits = TorchArrays.values(teacher.logits(TorchArrays.tensor(crops, rows, globalCrops.size(1)), null));
        }
        return TorchArrays.array(logits, rows, logits.length / rows);
    }
}
