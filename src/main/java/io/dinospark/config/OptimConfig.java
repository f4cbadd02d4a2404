package io.dinospark.config;

import static io.dinospark.config.ConfigException.require;

import java.io.Serializable;

/** AdamW and its per-step schedules. {@code lr} is the base rate for a total batch of 256 (scaled linearly). */
public record OptimConfig(double lr, double minLr, int warmupEpochs, double weightDecay, double weightDecayEnd,
        double clipGrad, int freezeLastLayerEpochs) implements Serializable {

    public OptimConfig {
        require(lr >= 0, "optim.lr", lr, "must be >= 0");
        require(minLr >= 0, "optim.min_lr", minLr, "must be >= 0");
        require(warmupEpochs >= 0, "optim.warmup_epochs", warmupEpochs, "must be >= 0");
        require(weightDecay >= 0, "optim.weight_decay", weightDecay, "must be >= 0");
        require(weightDecayEnd >= 0, "optim.weight_decay_end", weightDecayEnd, "must be >= 0");
        require(clipGrad >= 0, "optim.clip_grad", clipGrad, "must be >= 0 (0 disables clipping)");
        require(freezeLastLayerEpochs >= 0, "optim.freeze_last_layer_epochs", freezeLastLayerEpochs, "must be >= 0");
    }
}
