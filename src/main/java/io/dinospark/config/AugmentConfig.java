package io.dinospark.config;

import static io.dinospark.config.ConfigException.require;

import java.io.Serializable;
import java.util.List;

/**
 * DINO's per-view augmentation ({@code DataAugmentationDINO}): random resized crop aspect range, flip, color jitter,
 * grayscale, Gaussian blur, solarization and the normalisation. Crop sizes and area scales are in {@link CropConfig}.
 */
public record AugmentConfig(Range ratio, double flipP, double colorJitterP, double brightness, double contrast,
        double saturation, double hue, double grayscaleP, double blurPGlobal1, double blurPGlobal2, double blurPLocal,
        Range blurRadius, double solarizeP, int solarizeThreshold, List<Double> mean, List<Double> std) implements Serializable {

    public AugmentConfig {
        require(ratio != null && 0 < ratio.min() && ratio.min() <= ratio.max(), "augment.ratio", ratio,
                "must be [min, max] with 0 < min <= max");
        requireProbability("augment.flip_p", flipP);
        requireProbability("augment.color_jitter_p", colorJitterP);
        require(brightness >= 0, "augment.brightness", brightness, "must be >= 0");
        require(contrast >= 0, "augment.contrast", contrast, "must be >= 0");
        require(saturation >= 0, "augment.saturation", saturation, "must be >= 0");
        require(hue >= 0 && hue <= 0.5, "augment.hue", hue, "must be in [0, 0.5]");
        requireProbability("augment.grayscale_p", grayscaleP);
        requireProbability("augment.blur_p_global1", blurPGlobal1);
        requireProbability("augment.blur_p_global2", blurPGlobal2);
        requireProbability("augment.blur_p_local", blurPLocal);
        require(blurRadius != null && 0 < blurRadius.min() && blurRadius.min() <= blurRadius.max(),
                "augment.blur_radius", blurRadius, "must be [min, max] with 0 < min <= max");
        requireProbability("augment.solarize_p", solarizeP);
        require(solarizeThreshold >= 0 && solarizeThreshold <= 256, "augment.solarize_threshold", solarizeThreshold,
                "must be in [0, 256] (on the 0-255 pixel scale)");
        require(mean != null && mean.size() == 3 && mean.stream().allMatch(m -> m != null && Double.isFinite(m)),
                "augment.mean", mean, "must be 3 numbers (R, G, B)");
        require(std != null && std.size() == 3 && std.stream().allMatch(s -> s != null && s > 0 && Double.isFinite(s)),
                "augment.std", std, "must be 3 numbers > 0 (R, G, B)");
        mean = List.copyOf(mean);
        std = List.copyOf(std);
    }

    private static void requireProbability(String key, double p) {
        require(p >= 0 && p <= 1, key, p, "must be a probability in [0, 1]");
    }
}
