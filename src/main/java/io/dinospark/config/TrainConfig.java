package io.dinospark.config;

import static io.dinospark.config.ConfigException.require;

import java.io.Serializable;

/**
 * Length and size of the run, the one seed every worker, epoch and image derives its own from, and how the
 * student is distributed: {@code workers} Spark tasks, each running {@code averagingFrequency} minibatches between
 * parameter averagings (1 is exactly the paper's synchronous data-parallel DINO). {@code initWeights}: a
 * safetensors file under the authors' names a new run's student and teacher start from ("": the seeded
 * initialisation).
 */
public record TrainConfig(int epochs, int batchSizePerWorker, long seed, int workers, int averagingFrequency,
        int checkpointEvery, int keepCheckpoints, String onNonFinite, String engine, String initWeights) implements Serializable {

    /** What a step with a non-finite loss or parameter does: stop the run, or skip to the next step's data. */
    public static final java.util.List<String> NON_FINITE_POLICIES = java.util.List.of("stop", "skip");

    /** What runs the student's math: DL4J (ND4J, CPU and pre-Hopper CUDA) or libtorch (CPU and current GPUs). */
    public static final java.util.List<String> ENGINES = java.util.List.of("dl4j", "torch");

    public TrainConfig {
        require(epochs > 0, "train.epochs", epochs, "must be > 0");
        require(batchSizePerWorker > 0, "train.batch_size_per_worker", batchSizePerWorker, "must be > 0");
        require(workers > 0, "train.workers", workers, "must be > 0");
        require(averagingFrequency > 0, "train.averaging_frequency", averagingFrequency, "must be > 0");
        require(checkpointEvery >= 0, "train.checkpoint_every", checkpointEvery, "must be >= 0 (0: once per epoch)");
        require(keepCheckpoints > 0, "train.keep_checkpoints", keepCheckpoints, "must be > 0");
        require(NON_FINITE_POLICIES.contains(onNonFinite), "train.on_non_finite", onNonFinite, "must be stop or skip");
        require(ENGINES.contains(engine), "train.engine", engine, "must be dl4j or torch");
        require(initWeights != null && initWeights.equals(initWeights.strip()), "train.init_weights", initWeights,
                "must be a file's path or URI without surrounding spaces, or \"\" for none");
    }

    /** {@code train} with another engine. */
    public TrainConfig withEngine(String other) {
        return new TrainConfig(epochs, batchSizePerWorker, seed, workers, averagingFrequency, checkpointEvery,
                keepCheckpoints, onNonFinite, other, initWeights);
    }

    /** {@code train} with another seed. */
    public TrainConfig withSeed(long other) {
        return new TrainConfig(epochs, batchSizePerWorker, other, workers, averagingFrequency, checkpointEvery,
                keepCheckpoints, onNonFinite, engine, initWeights);
    }

    /** {@code train} starting from another file's weights ("": the seeded initialisation). */
    public TrainConfig withInitWeights(String file) {
        return new TrainConfig(epochs, batchSizePerWorker, seed, workers, averagingFrequency, checkpointEvery,
                keepCheckpoints, onNonFinite, engine, file);
    }

    /** Images per step, over all workers: the total batch the learning rate scales with. */
    public int imagesPerStep() {
        return workers * batchSizePerWorker * averagingFrequency;
    }
}
