package io.dinospark.engine.torch;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BiFunction;

import org.apache.spark.TaskContext;
import org.bytedeco.pytorch.global.torch;

import io.dinospark.config.DinoConfig;

/**
 * The torch networks resident in one executor JVM: pools of teachers and of students, one of each per task running
 * at the same time, which keep their tensors between steps and only load new parameters (a student every step, a
 * teacher when the broadcast version changes). A task borrows networks on its own device ({@link TorchDevice}), so
 * tasks of one executor on different GPUs never share one. Inside a Spark task libtorch uses the task's cores
 * ({@code spark.task.cpus}), so concurrent tasks do not oversubscribe the executor.
 */
final class TorchExecutor {

    static final Pool<TorchTeacher> TEACHERS = new Pool<>(TorchTeacher::new);
    static final Pool<TorchStudent> STUDENTS = new Pool<>(TorchStudent::new);
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

    /**
     * A network that stays in the JVM: built for one configuration on one device, its native memory freed by
     * {@link #close}.
     */
    interface Resident extends AutoCloseable {

        DinoConfig config();

        TorchDevice device();

        @Override
        void close();
    }

    /**
     * Idle networks of one kind, lent to one task at a time; one built for another run's configuration is closed,
     * one on another device kept for the tasks there.
     */
    static final class Pool<T extends Resident> {

        private final Deque<T> idle = new ArrayDeque<>();
        private final BiFunction<DinoConfig, TorchDevice, T> build;

        Pool(BiFunction<DinoConfig, TorchDevice, T> build) {
            this.build = build;
        }

        /** A network for {@code config} on the calling task's device, to be given back with {@link #release}. */
        T borrow(DinoConfig config) {
            useTaskCores();
            TorchDevice device = TorchDevice.current();
            synchronized (idle) {
                for (var it = idle.iterator(); it.hasNext();) {
                    T network = it.next();
                    if (!network.config().equals(config)) {
                        it.remove();
                        network.close();
                    } else if (network.device() == device) {
                        it.remove();
                        return network;
                    }
                }
            }
            return build.apply(config, device);
        }

        void release(T network) {
            synchronized (idle) {
                idle.push(network);
            }
        }
    }
}
