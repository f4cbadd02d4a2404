package io.dinospark.config;

import static io.dinospark.config.ConfigException.require;

import java.io.Serializable;

/** Length and size of the run, and the one seed every worker, epoch and image derives its own from. */
public record TrainConfig(int epochs, int batchSizePerWorker, long seed) implements Serializable {

    public TrainConfig {
        require(epochs > 0, "train.epochs", epochs, "must be > 0");
        require(batchSizePerWorker > 0, "train.batch_size_per_worker", batchSizePerWorker, "must be > 0");
    }
}
