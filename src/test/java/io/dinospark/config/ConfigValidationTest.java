package io.dinospark.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every invalid case is an error whose message names the key (or file / override) and the bad value. */
class ConfigValidationTest {

    @TempDir
    Path dir;

    /** Columns: the overrides (';' between them), then the key, the value and what is allowed, as in the message. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            model.embed_dimm=400                  | model.embed_dimm | 400 | did you mean model.embed_dim
            local_number=4                        | local_number | 4 | did you mean crops.local_number
            embed=3                               | embed | 3 | did you mean model.embed_dim
            optim.lr.value=1                      | optim.lr.value | 1 | did you mean optim.lr
            model.arch=vit_huge                   | model.arch | vit_huge | vit_tiny, vit_small, vit_base, vit, conv
            crops.global_size=abc                 | crops.global_size | abc | integer
            crops.global_size=224.5               | crops.global_size | 224.5 | integer
            model.qkv_bias=maybe                  | model.qkv_bias | maybe | true or false
            optim.lr=fast                         | optim.lr | fast | number
            model.conv_channels=[32, x]           | model.conv_channels | x | list of integers
            crops.local_size=-96                  | crops.local_size | -96 | > 0
            crops.global_size=0                   | crops.global_size | 0 | > 0
            crops.local_number=-1                 | crops.local_number | -1 | >= 0
            train.epochs=0                        | train.epochs | 0 | > 0
            train.batch_size_per_worker=-8        | train.batch_size_per_worker | -8 | > 0
            train.workers=0                       | train.workers               | 0  | > 0
            train.averaging_frequency=0           | train.averaging_frequency   | 0  | > 0
            data.layout=csv                       | data.layout                 | csv | imagenet, flat, index, parquet
            data.root=" "                         | data.root                   | " " | folder or table
            model.out_dim=1                       | model.out_dim | 1 | >= 2
            crops.local_scale=[0.4, 0.05]         | crops.local_scale | [0.4, 0.05] | 0 < min <= max <= 1
            crops.global_scale=[0, 1]             | crops.global_scale | [0.0, 1.0] | 0 < min <= max <= 1
            crops.global_scale=[0.4, 1.5]         | crops.global_scale | [0.4, 1.5] | 0 < min <= max <= 1
            crops.global_scale=[0.4, 0.6, 1]      | crops.global_scale | [0.4,0.6,1] | [min, max]
            dino.student_temp=0                   | dino.student_temp | 0.0 | > 0
            dino.teacher_temp=-0.04               | dino.teacher_temp | -0.04 | > 0
            dino.center_momentum=1.1              | dino.center_momentum | 1.1 | [0, 1]
            dino.teacher_momentum=-0.1            | dino.teacher_momentum | -0.1 | [0, 1]
            model.drop_path_rate=1                | model.drop_path_rate | 1.0 | [0, 1)
            optim.lr=-1e-3                        | optim.lr | -0.001 | >= 0
            optim.min_lr=-1                       | optim.min_lr | -1.0 | >= 0
            optim.clip_grad=-3                    | optim.clip_grad | -3.0 | >= 0
            optim.weight_decay_end=-0.4           | optim.weight_decay_end | -0.4 | >= 0
            optim.warmup_epochs=-1                | optim.warmup_epochs | -1 | >= 0
            optim.warmup_epochs=11;train.epochs=10 | optim.warmup_epochs | 11 | <= train.epochs = 10
            dino.warmup_teacher_temp_epochs=30;train.epochs=10 | dino.warmup_teacher_temp_epochs | 30 | <= train.epochs
            model.arch=vit;model.embed_dim=100    | model.embed_dim | 100 | divisible by model.num_heads = 6
            model.embed_dim=512                   | model.embed_dim | 512 | use model.arch = vit
            model.arch=vit_tiny;model.num_heads=3 | model.num_heads | 3 | use model.arch = vit
            model.arch=conv;model.depth=4         | model.depth | 4 | use model.arch = vit
            crops.global_size=200                 | crops.global_size | 200 | multiple of model.patch_size = 16
            crops.local_size=100                  | crops.local_size | 100 | multiple of model.patch_size = 16
            augment.ratio=[1.5, 0.75]             | augment.ratio | [1.5, 0.75] | 0 < min <= max
            augment.ratio=[0, 1]                  | augment.ratio | [0.0, 1.0] | 0 < min <= max
            augment.ratio=[0.75]                  | augment.ratio | [0.75] | [min, max]
            augment.flip_p=1.5                    | augment.flip_p | 1.5 | probability in [0, 1]
            augment.color_jitter_p=-0.1           | augment.color_jitter_p | -0.1 | probability in [0, 1]
            augment.grayscale_p=2                 | augment.grayscale_p | 2.0 | probability in [0, 1]
            augment.blur_p_global1=1.01           | augment.blur_p_global1 | 1.01 | probability in [0, 1]
            augment.blur_p_global2=-1             | augment.blur_p_global2 | -1.0 | probability in [0, 1]
            augment.blur_p_local=3                | augment.blur_p_local | 3.0 | probability in [0, 1]
            augment.solarize_p=1.2                | augment.solarize_p | 1.2 | probability in [0, 1]
            augment.brightness=-0.4               | augment.brightness | -0.4 | >= 0
            augment.contrast=-1                   | augment.contrast | -1.0 | >= 0
            augment.saturation=-0.2               | augment.saturation | -0.2 | >= 0
            augment.hue=0.6                       | augment.hue | 0.6 | [0, 0.5]
            augment.hue=-0.1                      | augment.hue | -0.1 | [0, 0.5]
            augment.hue=strong                    | augment.hue | strong | number
            augment.blur_radius=[0, 2]            | augment.blur_radius | [0.0, 2.0] | 0 < min <= max
            augment.blur_radius=[2, 0.1]          | augment.blur_radius | [2.0, 0.1] | 0 < min <= max
            augment.solarize_threshold=300        | augment.solarize_threshold | 300 | [0, 256]
            augment.solarize_threshold=-1         | augment.solarize_threshold | -1 | [0, 256]
            augment.solarize_threshold=127.5      | augment.solarize_threshold | 127.5 | integer
            augment.mean=[0.5, 0.5]               | augment.mean | [0.5, 0.5] | 3 numbers
            augment.std=[0.2, 0, 0.2]             | augment.std | [0.2, 0.0, 0.2] | 3 numbers > 0
            augment.std=0.2                       | augment.std | 0.2 | list of numbers
            optim.lr                              | override | 'optim.lr' | key=value
            =1e-3                                 | override | '=1e-3' | key=value
            crops.local_scale=[0.1                | crops.local_scale | [0.1 | HOCON
            """)
    void invalidOverrideIsRejectedWithKeyAndValue(String overrides, String key, String value, String allowed) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(null, Arrays.asList(overrides.split(";"))));
        assertContains(e, key, value, allowed);
    }

    @Test
    void unknownKeyInAFileNamesTheFileAndSuggests() throws IOException {
        Path file = Files.writeString(dir.resolve("run.conf"), "crops { local_num = 4 }\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, List.of()));
        assertContains(e, "crops.local_num", "4", "run.conf", "did you mean crops.local_number");
    }

    @Test
    void presetSizeSetInAFileIsRejected() throws IOException {
        Path file = Files.writeString(dir.resolve("run.conf"), "model { arch = vit_small, depth = 6 }\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, List.of()));
        assertContains(e, "model.depth", "6", "vit_small", "use model.arch = vit");
    }

    @Test
    void wrongTypeInAFileIsRejected() throws IOException {
        Path file = Files.writeString(dir.resolve("run.conf"), "model.arch = null\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, List.of()));
        assertContains(e, "model.arch", "null", "one of vit_tiny");
    }

    @Test
    void missingFileIsRejected() {
        Path missing = dir.resolve("nope.conf");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing, List.of()));
        assertContains(e, missing.toString(), "does not exist");
    }

    @Test
    void unparsableFileIsRejected() throws IOException {
        Path file = Files.writeString(dir.resolve("bad.conf"), "optim { lr = \n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, List.of()));
        assertContains(e, "bad.conf");
    }

    @Test
    void recordsValidateWhenBuiltDirectly() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> new ModelConfig(Arch.VIT_SMALL, 16, 96, 12, 6, 4, true, 0.1, List.of(8), 1024, 64, 32, false, true));
        assertContains(e, "model.embed_dim", "96", "fixes it to 384");
        e = assertThrows(ConfigException.class, () -> new CropConfig(224, null, 8, 96, new Range(0.05, 0.4)));
        assertContains(e, "crops.global_scale", "null");
    }

    private static void assertContains(ConfigException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "'" + part + "' not in: " + e.getMessage());
        }
    }
}
