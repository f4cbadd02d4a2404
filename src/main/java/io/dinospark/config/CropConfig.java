package io.dinospark.config;

import static io.dinospark.config.ConfigException.require;
import static io.dinospark.config.ConfigException.requireScale;

import java.io.Serializable;

/** DINO's multi-crop: two global crops and {@code localNumber} local crops, with their sizes and area scales. */
public record CropConfig(int globalSize, Range globalScale, int localNumber, int localSize, Range localScale) implements Serializable {

    public CropConfig {
        require(globalSize > 0, "crops.global_size", globalSize, "must be > 0");
        requireScale("crops.global_scale", globalScale);
        require(localNumber >= 0, "crops.local_number", localNumber, "must be >= 0");
        require(localSize > 0, "crops.local_size", localSize, "must be > 0");
        requireScale("crops.local_scale", localScale);
    }
}
