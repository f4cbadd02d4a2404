package io.dinospark;

import java.util.List;

import io.dinospark.config.Arch;
import io.dinospark.config.ConfigLoader;
import io.dinospark.config.CropConfig;
import io.dinospark.config.DinoConfig;
import io.dinospark.config.DistillationConfig;
import io.dinospark.config.ModelConfig;
import io.dinospark.config.OptimConfig;
import io.dinospark.config.Range;
import io.dinospark.config.TrainConfig;
import io.dinospark.engine.StudentState;

/** Small configurations for tests, built directly so that they do not depend on the defaults file. */
public final class TestConfigs {

    private TestConfigs() {
    }

    /** A ViT of width 24, depth 2, 3 heads, patch 4 on 16 px global and 8 px local crops; head 32/16 to K = 20. */
    public static DinoConfig tinyVit(int localCrops, double dropPathRate, boolean normLastLayer) {
        ModelConfig model = new ModelConfig(Arch.VIT, 4, 24, 2, 3, 2.0, true, dropPathRate, List.of(8, 16), 20, 32, 16,
                false, normLastLayer);
        return withModel(model, localCrops, 16, 8);
    }

    public static DinoConfig tinyConv(int localCrops) {
        return tinyConv(localCrops, false);
    }

    /** A conv backbone of widths 8, 16 on 16 px global and 8 px local crops; head 32/16 to K = 20, BatchNorm or not. */
    public static DinoConfig tinyConv(int localCrops, boolean useBnInHead) {
        ModelConfig model = new ModelConfig(Arch.CONV, 4, 0, 0, 0, 2.0, true, 0.0, List.of(8, 16), 20, 32, 16,
                useBnInHead, true);
        return withModel(model, localCrops, 16, 8);
    }

    /** {@code config} with another {@code train.seed}. */
    public static DinoConfig withSeed(DinoConfig config, long seed) {
        return withTrain(config, config.train().withSeed(seed));
    }

    /** {@code config} with another {@code train} section. */
    public static DinoConfig withTrain(DinoConfig config, TrainConfig train) {
        return new DinoConfig(config.model(), config.crops(), config.dino(), config.optim(), train, config.augment(),
                config.data(), config.eval());
    }

    /** A DL4J network as a checkpoint's student: its parameters, AdamW at zero. */
    public static StudentState state(org.deeplearning4j.nn.multilayer.MultiLayerNetwork network) {
        return new StudentState(network.params().dup(), org.nd4j.linalg.factory.Nd4j.zeros(
                org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 2 * network.params().length()), 0);
    }

    /** {@code config} with another {@code train.engine}. */
    public static DinoConfig withEngine(DinoConfig config, String engine) {
        return withTrain(config, config.train().withEngine(engine));
    }

    public static DinoConfig withModel(ModelConfig model, int localCrops, int globalSize, int localSize) {
        return new DinoConfig(model,
                new CropConfig(globalSize, new Range(0.4, 1.0), localCrops, localSize, new Range(0.05, 0.4)),
                new DistillationConfig(0.1, 0.04, 0.04, 0, 0.9, 0.996),
                new OptimConfig(5e-4, 1e-6, 10, 0.04, 0.4, 3.0, 1),
                new TrainConfig(100, 8, 42, 1, 1, 0, 3, "stop", "dl4j", ""), ConfigLoader.defaults().augment(), ConfigLoader.defaults().data(),
                ConfigLoader.defaults().eval());
    }
}
