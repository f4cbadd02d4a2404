package io.dinospark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAreThePapers() {
        DinoConfig expected = new DinoConfig(
                new ModelConfig(Arch.VIT_SMALL, 16, 384, 12, 6, 4.0, true, 0.1, List.of(32, 64, 128), 65536, 2048,
                        256, false, true),
                new CropConfig(224, new Range(0.4, 1.0), 8, 96, new Range(0.05, 0.4)),
                new DistillationConfig(0.1, 0.04, 0.04, 0, 0.9, 0.996),
                new OptimConfig(5e-4, 1e-6, 10, 0.04, 0.4, 3.0, 1),
                new TrainConfig(100, 64, 0, 1, 1, 0, 3, "stop", "torch", ""),
                new AugmentConfig(new Range(0.75, 4.0 / 3), 0.5, 0.8, 0.4, 0.4, 0.2, 0.1, 0.2, 1.0, 0.1, 0.5,
                        new Range(0.1, 2.0), 0.2, 128, List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225)),
                new DataConfig("data/train", "imagenet", "image", "label", "path"),
                new EvalConfig(0, "", 5000, 1000, 20));
        assertEquals(expected, ConfigLoader.defaults());
        assertEquals(expected, ConfigLoader.load(null, List.of()));
    }

    @Test
    void overridesWinOverTheFileWhichWinsOverTheDefaults() throws IOException {
        Path file = write("""
                optim { lr = 1e-3, warmup_epochs = 2 }
                train.epochs = 50
                crops.local_number = 4
                """);
        DinoConfig config = ConfigLoader.load(file,
                List.of("optim.lr=2e-3", "crops.local_scale=[0.1,0.3]", "crops.local_number=6",
                        "crops.local_number = 2"));
        assertEquals(2e-3, config.optim().lr());
        assertEquals(2, config.optim().warmupEpochs());
        assertEquals(50, config.train().epochs());
        assertEquals(2, config.crops().localNumber(), "the last override wins");
        assertEquals(new Range(0.1, 0.3), config.crops().localScale());
        assertEquals(0.4, config.optim().weightDecayEnd(), "untouched keys keep the default");
    }

    @Test
    void archIsCaseInsensitiveAndPresetsHoldTheirSizes() {
        ModelConfig base = ConfigLoader.load(null, List.of("model.arch=ViT_Base")).model();
        assertEquals(Arch.VIT_BASE, base.arch());
        assertEquals(List.of(768, 12, 12), List.of(base.embedDim(), base.depth(), base.numHeads()));
        ModelConfig custom = ConfigLoader.load(null,
                List.of("model.arch=vit", "model.embed_dim=96", "model.depth=4", "model.num_heads=3")).model();
        assertEquals(List.of(96, 4, 3), List.of(custom.embedDim(), custom.depth(), custom.numHeads()));
        ModelConfig conv = ConfigLoader.load(null, List.of("model.arch=conv", "model.conv_channels=[16,32]")).model();
        assertEquals(List.of(16, 32), conv.convChannels());
    }

    @Test
    void renderedConfigLoadsBackEqual() throws IOException {
        List<List<String>> cases = List.of(
                List.of(),
                List.of("model.arch=vit", "model.embed_dim=96", "model.depth=4", "model.num_heads=3",
                        "model.patch_size=4", "crops.global_size=28", "crops.local_size=16", "optim.lr=1.234e-4",
                        "train.seed=123456789012", "model.qkv_bias=false"),
                List.of("model.arch=conv", "model.conv_channels=[8,16]", "crops.local_scale=[0.2,0.5]",
                        "crops.global_size=28", "crops.local_number=0", "dino.teacher_temp=0.07",
                        "dino.warmup_teacher_temp_epochs=30", "optim.clip_grad=0"),
                List.of("data.root=\"hdfs://namenode:8020/images/train\"", "data.layout=parquet", "train.workers=4",
                        "train.averaging_frequency=2"));
        for (List<String> overrides : cases) {
            DinoConfig config = ConfigLoader.load(null, overrides);
            String text = ConfigLoader.render(config);
            assertEquals(config, ConfigLoader.load(write(text), List.of()), text);
        }
    }

    @Test
    void renderWritesEveryKeyOncePerLineInTheDefaultsOrder() {
        String text = ConfigLoader.render(ConfigLoader.defaults());
        List<String> keys = text.lines().filter(line -> !line.isBlank())
                .map(line -> line.replaceFirst("^# ", "").split(" = ")[0]).toList();
        assertEquals(ConfigLoader.describeKeys().stream().map(ConfigLoader.KeyHelp::key).toList(), keys);
        assertEquals("model.arch", keys.get(0));
        assertEquals("eval.knn_k", keys.get(keys.size() - 1));
        assertTrue(text.contains("crops.global_scale = [0.4, 1.0]\n"), text);
        assertTrue(text.contains("# model.embed_dim = 384  (implied by model.arch = vit_small)\n"), text);
    }

    @Test
    void everyKeyHasADescriptionAndItsDefault() {
        List<ConfigLoader.KeyHelp> keys = ConfigLoader.describeKeys();
        assertEquals(68, keys.size());
        for (ConfigLoader.KeyHelp key : keys) {
            assertFalse(key.description().isBlank(), key.key());
            assertFalse(key.defaultValue().isBlank(), key.key());
        }
        var byKey = keys.stream().collect(Collectors.toMap(ConfigLoader.KeyHelp::key, k -> k));
        assertEquals("vit_small", byKey.get("model.arch").defaultValue());
        assertEquals("65536", byKey.get("model.out_dim").defaultValue());
        assertEquals("[0.05, 0.4]", byKey.get("crops.local_scale").defaultValue());
        assertTrue(byKey.get("optim.clip_grad").description().contains("0 disables"));
    }

    private Path write(String text) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "dino", ".conf"), text);
    }

    @Test
    void overridesOfARunsConfigurationKeepTheRestAndAreChecked() {
        DinoConfig run = ConfigLoader.load(null, List.of("model.arch=conv", "train.epochs=70", "optim.lr=0.01"));
        DinoConfig tuned = ConfigLoader.withOverrides(run, List.of("optim.lr=0.002", "data.root=\"x/y\""));
        assertEquals(0.002, tuned.optim().lr());
        assertEquals("x/y", tuned.data().root());
        assertEquals(run.model(), tuned.model());
        assertEquals(70, tuned.train().epochs());
        assertThrows(ConfigException.class, () -> ConfigLoader.withOverrides(run, List.of("optim.lrr=1")));
        assertThrows(ConfigException.class, () -> ConfigLoader.withOverrides(run, List.of("model.depth=3")),
                "a convnet's run takes no ViT size");
    }

    @Test
    void differingKeysCompareASavedRenderingWithAConfiguration() {
        DinoConfig defaults = ConfigLoader.defaults();
        String saved = ConfigLoader.render(defaults);
        assertEquals(List.of(), ConfigLoader.differingKeys(saved, defaults));
        DinoConfig changed = ConfigLoader.load(null, List.of("optim.lr=1e-3", "data.root=\"hdfs://nn/x\""));
        assertEquals(List.of(new ConfigLoader.KeyChange("optim.lr", "5.0E-4", "0.001"),
                new ConfigLoader.KeyChange("data.root", "\"data/train\"", "\"hdfs://nn/x\"")),
                ConfigLoader.differingKeys(saved, changed));
    }

    @Test
    void onlyKeysThatDoNotChangeTheTrainingAreResumable() {
        assertEquals(List.of("train.checkpoint_every", "train.keep_checkpoints", "train.on_non_finite",
                "eval.knn_every", "eval.knn_val_root", "eval.knn_train_images", "eval.knn_val_images", "eval.knn_k"),
                ConfigLoader.RESUMABLE_KEYS);
        DinoConfig changed = ConfigLoader.load(null, List.of("eval.knn_k=5", "train.keep_checkpoints=1", "optim.lr=1e-3"));
        assertEquals(List.of("optim.lr"), ConfigLoader.differingKeys(ConfigLoader.render(ConfigLoader.defaults()), changed)
                .stream().filter(change -> !change.resumable()).map(ConfigLoader.KeyChange::key).toList());
    }
}
