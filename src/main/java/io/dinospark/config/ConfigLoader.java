package io.dinospark.config;

import static io.dinospark.config.ConfigException.require;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Builds a {@link DinoConfig}: {@code key=value} overrides over a user HOCON file over {@code dino-defaults.conf}.
 * The defaults file declares every key once, with its default and a one-line description; a key it does not
 * declare is rejected.
 */
public final class ConfigLoader {

    private static final String DEFAULTS_RESOURCE = "dino-defaults.conf";
    private static final Config DEFAULTS = ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(),
            DEFAULTS_RESOURCE, ConfigParseOptions.defaults().setAllowMissing(false));
    /** Every key, in the order of the defaults file. */
    private static final List<String> KEYS = DEFAULTS.entrySet().stream()
            .sorted(Comparator.comparingInt(e -> e.getValue().origin().lineNumber()))
            .map(Map.Entry::getKey)
            .toList();
    /** The ViT sizes that only {@code model.arch = vit} takes from the configuration. */
    private static final List<String> VIT_SIZE_KEYS = List.of("model.embed_dim", "model.depth", "model.num_heads");
    /**
     * The keys a resumed run may change: how the run is watched and kept, not what it trains. Every {@code eval.*}
     * key (online k-NN reads the teacher, never writes it), the checkpoint cadence and count, and the non-finite
     * policy (a non-finite step is rolled back under either policy; it only decides whether the run goes on).
     */
    public static final List<String> RESUMABLE_KEYS = KEYS.stream()
            .filter(key -> key.startsWith("eval.") || List.of("train.checkpoint_every", "train.keep_checkpoints",
                    "train.on_non_finite").contains(key))
            .toList();

    /** One key for {@code --help}: its name, its default as written in a config file, and its description. */
    public record KeyHelp(String key, String defaultValue, String description) {
    }

    /** A key whose value differs between two configurations, with both values as a config file writes them. */
    public record KeyChange(String key, String before, String after) {

        /** Whether a resumed run may take the new value ({@link #RESUMABLE_KEYS}). */
        public boolean resumable() {
            return RESUMABLE_KEYS.contains(key);
        }
    }

    private ConfigLoader() {
    }

    /** The paper's defaults. */
    public static DinoConfig defaults() {
        return load(null, List.of());
    }

    /**
     * Loads the defaults, then {@code fileOrNull} (HOCON) over them, then each {@code key=value} override (value in
     * HOCON, e.g. {@code crops.local_scale=[0.1,0.3]}; later ones win) over both.
     *
     * @throws ConfigException for a missing or unparsable file, a malformed override, an unknown key, a wrong type
     *     or a value out of range
     */
    public static DinoConfig load(Path fileOrNull, List<String> overrides) {
        Config file = fileOrNull == null ? ConfigFactory.empty() : parseFile(fileOrNull);
        Config cli = parseOverrides(overrides);
        rejectUnknownKeys(file, "in " + fileOrNull);
        rejectUnknownKeys(cli, "in the overrides");
        return resolved(cli.withFallback(file));
    }

    /**
     * {@code base} with {@code key=value} overrides over it (as {@link #load}'s), checked as {@link #load} checks:
     * a run's configuration with another command's settings, e.g. fine-tuning's.
     */
    public static DinoConfig withOverrides(DinoConfig base, List<String> overrides) {
        Config cli = parseOverrides(overrides);
        rejectUnknownKeys(cli, "in the overrides");
        return resolved(cli.withFallback(ConfigFactory.parseString(render(base))));
    }

    /** The user's settings over the defaults, resolved and checked; the keys the user set are checked as such. */
    private static DinoConfig resolved(Config user) {
        Config merged;
        try {
            merged = user.withFallback(DEFAULTS).resolve();
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException("Cannot resolve the configuration: " + e.getMessage());
        }
        return toConfig(merged, leafValues(user.root(), List.of()).keySet());
    }

    /** The resolved configuration as HOCON, one {@code key = value} per line, that {@link #load} reads back equal. */
    public static String render(DinoConfig config) {
        Map<String, Object> values = values(config);
        Arch arch = config.model().arch();
        StringBuilder out = new StringBuilder();
        String section = null;
        for (String key : KEYS) {
            String keySection = key.substring(0, key.indexOf('.'));
            if (section != null && !section.equals(keySection)) {
                out.append('\n');
            }
            section = keySection;
            String line = key + " = " + format(values.get(key));
            if (arch != Arch.VIT && VIT_SIZE_KEYS.contains(key)) {
                // Not settable with this arch, so written as a comment that load() skips.
                line = "# " + line + "  (implied by model.arch = " + arch.configName() + ")";
            }
            out.append(line).append('\n');
        }
        return out.toString();
    }

    /** Refuses every {@code include}, of a name, file, URL or classpath resource: {@link #render} never writes one. */
    private static final class NoIncludes implements com.typesafe.config.ConfigIncluder,
            com.typesafe.config.ConfigIncluderFile, com.typesafe.config.ConfigIncluderURL,
            com.typesafe.config.ConfigIncluderClasspath {

        @Override
        public com.typesafe.config.ConfigIncluder withFallback(com.typesafe.config.ConfigIncluder fallback) {
            return this;
        }

        @Override
        public ConfigObject include(com.typesafe.config.ConfigIncludeContext context, String what) {
            throw refused(what);
        }

        @Override
        public ConfigObject includeFile(com.typesafe.config.ConfigIncludeContext context, java.io.File what) {
            throw refused("file(" + what + ")");
        }

        @Override
        public ConfigObject includeURL(com.typesafe.config.ConfigIncludeContext context, java.net.URL what) {
            throw refused("url(" + what + ")");
        }

        @Override
        public ConfigObject includeResources(com.typesafe.config.ConfigIncludeContext context, String what) {
            throw refused("classpath(" + what + ")");
        }

        private static ConfigException refused(String what) {
            return new ConfigException("a saved configuration holds include " + what + "; saved configurations"
                    + " include nothing, so it is not read");
        }
    }

    /** A configuration as {@link #render} wrote it (a run's or a checkpoint's {@code config.conf}). */
    public static DinoConfig parseRendered(String rendered) {
        Config saved;
        try {
            // A saved configuration may come from anywhere (a shared run directory): it reads no other file or URL.
            saved = ConfigFactory.parseString(rendered, ConfigParseOptions.defaults().setIncluder(new NoIncludes()));
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException("Cannot parse a saved configuration: " + e.getMessage());
        }
        rejectUnknownKeys(saved, "in the saved configuration");
        return toConfig(saved.withFallback(DEFAULTS).resolve(), leafValues(saved.root(), List.of()).keySet());
    }

    /**
     * The keys whose values differ between {@code config} and a configuration as {@link #render} wrote it (a run's
     * saved {@code config.conf}), in the defaults file's order.
     */
    public static List<KeyChange> differingKeys(String rendered, DinoConfig config) {
        Map<String, Object> before = values(parseRendered(rendered));
        Map<String, Object> now = values(config);
        return KEYS.stream()
                .filter(key -> !Objects.equals(before.get(key), now.get(key)))
                .map(key -> new KeyChange(key, format(before.get(key)), format(now.get(key))))
                .toList();
    }

    /** Every key with its default and description, in the order of the defaults file. */
    public static List<KeyHelp> describeKeys() {
        Map<String, Object> defaults = values(defaults());
        return KEYS.stream()
                .map(key -> new KeyHelp(key, format(defaults.get(key)), String.join(" ",
                        DEFAULTS.getValue(key).origin().comments().stream().map(String::trim).toList())))
                .toList();
    }

    private static Config parseFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("Config file " + file + " does not exist (or is not a file)");
        }
        try {
            return ConfigFactory.parseFile(file.toFile(),
                    ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException("Cannot parse config file " + file + ": " + e.getMessage());
        }
    }

    private static Config parseOverrides(List<String> overrides) {
        Config cli = ConfigFactory.empty();
        for (String override : overrides) {
            int eq = override.indexOf('=');
            String key = eq < 0 ? "" : override.substring(0, eq).trim();
            if (key.isEmpty()) {
                throw new ConfigException("Invalid override '" + override + "': must be key=value, e.g. optim.lr=1e-3");
            }
            String value = override.substring(eq + 1).trim();
            try {
                // root().get keeps a ${...} substitution unresolved until the layers are merged.
                cli = cli.withValue(key, ConfigFactory.parseString("v = " + value).root().get("v"));
            } catch (com.typesafe.config.ConfigException e) {
                throw new ConfigException("Invalid override " + key + " = " + value
                        + ": the key must be a path like optim.lr and the value HOCON, e.g. 1e-3 or [0.1, 0.3] ("
                        + e.getMessage() + ")");
            }
        }
        return cli;
    }

    private static void rejectUnknownKeys(Config layer, String where) {
        leafValues(layer.root(), List.of()).forEach((key, value) -> {
            if (!KEYS.contains(key)) {
                throw new ConfigException("Unknown key " + key + " = " + value.render(ConfigRenderOptions.concise())
                        + " " + where + "; did you mean " + closestKey(key) + "? (`dino-spark config --keys` lists every key)");
            }
        });
    }

    /** The non-object values under {@code object} by dotted path, without resolving substitutions. */
    private static Map<String, ConfigValue> leafValues(ConfigObject object, List<String> prefix) {
        Map<String, ConfigValue> leaves = new LinkedHashMap<>();
        object.forEach((name, value) -> {
            List<String> path = new ArrayList<>(prefix);
            path.add(name);
            if (value instanceof ConfigObject child) {
                leaves.putAll(leafValues(child, path));
            } else {
                leaves.put(ConfigUtil.joinPath(path), value);
            }
        });
        return leaves;
    }

    /**
     * The known key that contains the unknown one's last segment (e.g. {@code embed} or {@code local_number} without
     * its section), else the nearest by edit distance to the whole key or to the known key's last segment.
     */
    private static String closestKey(String key) {
        String segment = key.substring(key.lastIndexOf('.') + 1);
        return KEYS.stream()
                .min(Comparator.comparingInt(known -> known.contains(segment) ? 0 : Math.min(editDistance(key, known),
                        editDistance(key, known.substring(known.indexOf('.') + 1)))))
                .orElseThrow();
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static DinoConfig toConfig(Config c, Set<String> userKeys) {
        Arch arch = arch(c);
        if (arch != Arch.VIT) {
            for (String key : VIT_SIZE_KEYS) {
                require(!userKeys.contains(key), key, show(c, key), "model.arch = " + arch.configName()
                        + (arch.isPreset() ? " fixes it" : " does not use it") + "; use model.arch = vit to set "
                        + String.join(", ", VIT_SIZE_KEYS));
            }
        }
        boolean vit = arch == Arch.VIT;
        ModelConfig model = new ModelConfig(arch, intAt(c, "model.patch_size"),
                vit ? intAt(c, "model.embed_dim") : arch.presetEmbedDim(),
                vit ? intAt(c, "model.depth") : arch.presetDepth(),
                vit ? intAt(c, "model.num_heads") : arch.presetNumHeads(),
                doubleAt(c, "model.mlp_ratio"), booleanAt(c, "model.qkv_bias"), doubleAt(c, "model.drop_path_rate"),
                intListAt(c, "model.conv_channels"), intAt(c, "model.out_dim"), intAt(c, "model.head_hidden_dim"),
                intAt(c, "model.head_bottleneck_dim"), booleanAt(c, "model.use_bn_in_head"),
                booleanAt(c, "model.norm_last_layer"));
        CropConfig crops = new CropConfig(intAt(c, "crops.global_size"), rangeAt(c, "crops.global_scale"),
                intAt(c, "crops.local_number"), intAt(c, "crops.local_size"), rangeAt(c, "crops.local_scale"));
        DistillationConfig dino = new DistillationConfig(doubleAt(c, "dino.student_temp"),
                doubleAt(c, "dino.teacher_temp"), doubleAt(c, "dino.warmup_teacher_temp"),
                intAt(c, "dino.warmup_teacher_temp_epochs"), doubleAt(c, "dino.center_momentum"),
                doubleAt(c, "dino.teacher_momentum"));
        OptimConfig optim = new OptimConfig(doubleAt(c, "optim.lr"), doubleAt(c, "optim.min_lr"),
                intAt(c, "optim.warmup_epochs"), doubleAt(c, "optim.weight_decay"),
                doubleAt(c, "optim.weight_decay_end"), doubleAt(c, "optim.clip_grad"),
                intAt(c, "optim.freeze_last_layer_epochs"));
        TrainConfig train = new TrainConfig(intAt(c, "train.epochs"), intAt(c, "train.batch_size_per_worker"),
                longAt(c, "train.seed"), intAt(c, "train.workers"), intAt(c, "train.averaging_frequency"),
                intAt(c, "train.checkpoint_every"), intAt(c, "train.keep_checkpoints"), stringAt(c, "train.on_non_finite"),
                stringAt(c, "train.engine"), stringAt(c, "train.init_weights"));
        DataConfig data = new DataConfig(stringAt(c, "data.root"), stringAt(c, "data.layout"),
                stringAt(c, "data.bytes_column"), stringAt(c, "data.label_column"), stringAt(c, "data.path_column"));
        AugmentConfig augment = new AugmentConfig(rangeAt(c, "augment.ratio"), doubleAt(c, "augment.flip_p"),
                doubleAt(c, "augment.color_jitter_p"), doubleAt(c, "augment.brightness"),
                doubleAt(c, "augment.contrast"), doubleAt(c, "augment.saturation"), doubleAt(c, "augment.hue"),
                doubleAt(c, "augment.grayscale_p"), doubleAt(c, "augment.blur_p_global1"),
                doubleAt(c, "augment.blur_p_global2"), doubleAt(c, "augment.blur_p_local"),
                rangeAt(c, "augment.blur_radius"), doubleAt(c, "augment.solarize_p"),
                intAt(c, "augment.solarize_threshold"), doubleListAt(c, "augment.mean"),
                doubleListAt(c, "augment.std"));
        EvalConfig eval = new EvalConfig(intAt(c, "eval.knn_every"), stringAt(c, "eval.knn_val_root"),
                intAt(c, "eval.knn_train_images"), intAt(c, "eval.knn_val_images"), intAt(c, "eval.knn_k"));
        return new DinoConfig(model, crops, dino, optim, train, augment, data, eval);
    }

    /** Each key's value in {@code config}; the inverse of {@link #toConfig}. */
    private static Map<String, Object> values(DinoConfig config) {
        ModelConfig m = config.model();
        CropConfig cr = config.crops();
        DistillationConfig d = config.dino();
        OptimConfig o = config.optim();
        TrainConfig t = config.train();
        AugmentConfig a = config.augment();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("model.arch", m.arch());
        v.put("model.patch_size", m.patchSize());
        v.put("model.embed_dim", m.embedDim());
        v.put("model.depth", m.depth());
        v.put("model.num_heads", m.numHeads());
        v.put("model.mlp_ratio", m.mlpRatio());
        v.put("model.qkv_bias", m.qkvBias());
        v.put("model.drop_path_rate", m.dropPathRate());
        v.put("model.conv_channels", m.convChannels());
        v.put("model.out_dim", m.outDim());
        v.put("model.head_hidden_dim", m.headHiddenDim());
        v.put("model.head_bottleneck_dim", m.headBottleneckDim());
        v.put("model.use_bn_in_head", m.useBnInHead());
        v.put("model.norm_last_layer", m.normLastLayer());
        v.put("crops.global_size", cr.globalSize());
        v.put("crops.global_scale", cr.globalScale());
        v.put("crops.local_number", cr.localNumber());
        v.put("crops.local_size", cr.localSize());
        v.put("crops.local_scale", cr.localScale());
        v.put("dino.student_temp", d.studentTemp());
        v.put("dino.teacher_temp", d.teacherTemp());
        v.put("dino.warmup_teacher_temp", d.warmupTeacherTemp());
        v.put("dino.warmup_teacher_temp_epochs", d.warmupTeacherTempEpochs());
        v.put("dino.center_momentum", d.centerMomentum());
        v.put("dino.teacher_momentum", d.teacherMomentum());
        v.put("optim.lr", o.lr());
        v.put("optim.min_lr", o.minLr());
        v.put("optim.warmup_epochs", o.warmupEpochs());
        v.put("optim.weight_decay", o.weightDecay());
        v.put("optim.weight_decay_end", o.weightDecayEnd());
        v.put("optim.clip_grad", o.clipGrad());
        v.put("optim.freeze_last_layer_epochs", o.freezeLastLayerEpochs());
        v.put("train.epochs", t.epochs());
        v.put("train.batch_size_per_worker", t.batchSizePerWorker());
        v.put("train.seed", t.seed());
        v.put("train.workers", t.workers());
        v.put("train.averaging_frequency", t.averagingFrequency());
        v.put("train.checkpoint_every", t.checkpointEvery());
        v.put("train.keep_checkpoints", t.keepCheckpoints());
        v.put("train.on_non_finite", t.onNonFinite());
        v.put("train.engine", t.engine());
        v.put("train.init_weights", t.initWeights());
        v.put("augment.ratio", a.ratio());
        v.put("augment.flip_p", a.flipP());
        v.put("augment.color_jitter_p", a.colorJitterP());
        v.put("augment.brightness", a.brightness());
        v.put("augment.contrast", a.contrast());
        v.put("augment.saturation", a.saturation());
        v.put("augment.hue", a.hue());
        v.put("augment.grayscale_p", a.grayscaleP());
        v.put("augment.blur_p_global1", a.blurPGlobal1());
        v.put("augment.blur_p_global2", a.blurPGlobal2());
        v.put("augment.blur_p_local", a.blurPLocal());
        v.put("augment.blur_radius", a.blurRadius());
        v.put("augment.solarize_p", a.solarizeP());
        v.put("augment.solarize_threshold", a.solarizeThreshold());
        v.put("augment.mean", a.mean());
        v.put("augment.std", a.std());
        DataConfig data = config.data();
        v.put("data.root", data.root());
        v.put("data.layout", data.layout());
        v.put("data.bytes_column", data.bytesColumn());
        v.put("data.label_column", data.labelColumn());
        v.put("data.path_column", data.pathColumn());
        EvalConfig eval = config.eval();
        v.put("eval.knn_every", eval.knnEvery());
        v.put("eval.knn_val_root", eval.knnValRoot());
        v.put("eval.knn_train_images", eval.knnTrainImages());
        v.put("eval.knn_val_images", eval.knnValImages());
        v.put("eval.knn_k", eval.knnK());
        return v;
    }

    /** A value as written in a config file: {@code vit_small}, {@code 5.0E-4}, {@code [0.4, 1.0]}, {@code [32, 64]}. */
    private static String format(Object value) {
        if (value instanceof String s) {
            return ConfigValueFactory.fromAnyRef(s).render(ConfigRenderOptions.concise()); // quoted: URIs hold "//"
        }
        return value instanceof Arch arch ? arch.configName() : String.valueOf(value);
    }

    private static String show(Config c, String key) {
        return c.hasPath(key) ? c.getValue(key).render(ConfigRenderOptions.concise()) : "null";
    }

    /** Reads {@code key}, turning Typesafe's type errors into ours, which name the key, value and expected type. */
    private static <T> T read(Config c, String key, String expected, Supplier<T> getter) {
        try {
            return getter.get();
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException("Invalid " + key + " = " + show(c, key) + ": must be " + expected);
        }
    }

    private static Arch arch(Config c) {
        String allowed = "one of " + Arrays.stream(Arch.values()).map(Arch::configName)
                .collect(Collectors.joining(", ")) + " (any case)";
        String name = read(c, "model.arch", allowed, () -> c.getString("model.arch")).trim();
        for (Arch arch : Arch.values()) {
            if (arch.configName().equalsIgnoreCase(name)) {
                return arch;
            }
        }
        throw new ConfigException("Invalid model.arch = " + name + ": must be " + allowed);
    }

    private static String stringAt(Config c, String key) {
        return read(c, key, "a string", () -> c.getString(key));
    }

    private static long longAt(Config c, String key) {
        Number n = read(c, key, "an integer", () -> c.getNumber(key));
        require(n instanceof Integer || n instanceof Long, key, show(c, key), "must be an integer");
        return n.longValue();
    }

    private static int intAt(Config c, String key) {
        long n = longAt(c, key);
        require(n == (int) n, key, n, "must be a 32-bit integer");
        return (int) n;
    }

    private static double doubleAt(Config c, String key) {
        return read(c, key, "a number", () -> c.getDouble(key));
    }

    private static boolean booleanAt(Config c, String key) {
        return read(c, key, "true or false", () -> c.getBoolean(key));
    }

    private static List<Integer> intListAt(Config c, String key) {
        List<Number> numbers = read(c, key, "a list of integers", () -> c.getNumberList(key));
        List<Integer> ints = new ArrayList<>();
        for (Number n : numbers) {
            require(n instanceof Integer, key, show(c, key), "must be a list of integers");
            ints.add(n.intValue());
        }
        return ints;
    }

    private static List<Double> doubleListAt(Config c, String key) {
        return read(c, key, "a list of numbers", () -> c.getDoubleList(key));
    }

    private static Range rangeAt(Config c, String key) {
        List<Double> bounds = read(c, key, "a list [min, max]", () -> c.getDoubleList(key));
        require(bounds.size() == 2, key, show(c, key), "must be a list [min, max]");
        return new Range(bounds.get(0), bounds.get(1));
    }
}
