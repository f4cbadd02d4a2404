package io.dinospark.engine.torch;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BiFunction;

import org.apache.spark.TaskContext;
import org.bytedeco.openblas.global.openblas;
import org.bytedeco.pytorch.global.torch;

import io.dinospark.config.DinoConfig;

/**
 * The torch networks resident in one executor JVM: pools of teachers and of learners (DINO students, fine-tuned
 * classifiers), one of each per task running at the same time, which keep their tensors between steps and only
 * load new parameters (a learner every step, a teacher when the broadcast version changes). A task borrows
 * networks on its own device ({@link TorchDevice}), so tasks of one executor on different GPUs never share one. Inside a Spark task libtorch uses the task's cores
 * ({@code spark.task.cpus}), so concurrent tasks do not oversubscribe the executor; OpenBLAS runs on the calling
 * thread alone (see {@link #useThreads}).
 */
final class TorchExecutor {

    static final Pool<DinoConfig, TorchTeacher> TEACHERS = new Pool<>(TorchTeacher::new);
    static final Pool<TorchLearner.Spec, TorchLearner> LEARNERS = new Pool<>(TorchLearner.Spec::build);
    private static boolean threadsSet;

    private TorchExecutor() {
    }

    /**
     * Before libtorch computes: OpenBLAS on one thread, and, once per JVM when called inside a Spark task, libtorch's
     * threads set to the task's cores. OpenBLAS (one pthreads build for libtorch and ND4J) otherwise wakes a pool of
     * its own for every matrix product, and libtorch's attention kernel calls it from each of its OpenMP threads at
     * once: the calls queue on OpenBLAS's lock while its idle threads spin. Measured on 2 cores (ViT-S/16, batch 16):
     * attention took 8-14 s of a 11-18 s forward, 0.2-0.3 s with OpenBLAS on one thread; every matrix product was
     * faster too. libtorch parallelises the rest itself, and the values no longer depend on the machine's cores.
     * The setting is OpenBLAS's, for the whole JVM: ND4J's products after it run on one thread as well.
     */
    static synchronized void useThreads() {
        openblas.blas_set_num_threads(1);
        TaskContext task = TaskContext.get();
        if (!threadsSet && task != null) {
            torch.set_num_threads(Math.max(1, task.cpus()));
            threadsSet = true;
        }
    }

    /**
     * A network that stays in the JVM: built from one key (a configuration, a learner's spec) on one device, its
     * native memory freed by {@link #close}.
     */
    interface Resident<K> extends AutoCloseable {

        K key();

        TorchDevice device();

        @Override
        void close();
    }

    /**
     * Idle networks of one kind, lent to one task at a time; one built from another key (another run's
     * configuration) is closed, one on another device kept for the tasks there.
     */
    static final class Pool<K, T extends Resident<K>> {

        private final Deque<T> idle = new ArrayDeque<>();
        private final BiFunction<K, TorchDevice, T> build;

        Pool(BiFunction<K, TorchDevice, T> build) {
            this.build = build;
        }

        /** A network for {@code key} on the calling task's device, to be given back with {@link #release}. */
        T borrow(K key) {
            useThreads();
            TorchDevice device = TorchDevice.current();
            synchronized (idle) {
                for (var it = idle.iterator(); it.hasNext();) {
                    T network = it.next();
                    if (!network.key().equals(key)) {
                        it.remove();
                        network.close();
                    } else if (network.device() == device) {
                        it.remove();
                        return network;
                    }
                }
            }
            return build.apply(key, device);
        }

        void release(T network) {
            synchronized (idle) {
                idle.push(network);
            }
        }
    }
}
