package io.dinospark.config;

import static io.dinospark.config.ConfigException.require;

import java.io.Serializable;

/**
 * The whole, resolved configuration of a DINO run: one immutable value, built by {@link ConfigLoader} from the
 * defaults in {@code dino-defaults.conf}, a file in {@code conf/} and {@code key=value} overrides.
 */
public record DinoConfig(ModelConfig model, CropConfig crops, DistillationConfig dino, OptimConfig optim,
        TrainConfig train, AugmentConfig augment, DataConfig data, EvalConfig eval) implements Serializable {

    /** The checks that span sections; each section's own are in its record. */
    public DinoConfig {
        int epochs = train.epochs();
        require(optim.warmupEpochs() <= epochs, "optim.warmup_epochs", optim.warmupEpochs(),
                "must be <= train.epochs = " + epochs);
        require(dino.warmupTeacherTempEpochs() <= epochs, "dino.warmup_teacher_temp_epochs",
                dino.warmupTeacherTempEpochs(), "must be <= train.epochs = " + epochs);
        if (model.arch().isVit()) {
            int patch = model.patchSize();
            require(crops.globalSize() % patch == 0, "crops.global_size", crops.globalSize(),
                    "must be a multiple of model.patch_size = " + patch);
            require(crops.localNumber() == 0 || crops.localSize() % patch == 0, "crops.local_size",
                    crops.localSize(), "must be a multiple of model.patch_size = " + patch);
        }
    }
}
