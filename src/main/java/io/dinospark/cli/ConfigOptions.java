package io.dinospark.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.dinospark.config.ConfigLoader;
import io.dinospark.config.DinoConfig;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The configuration options every subcommand shares: a file, then {@code key=value} overrides. */
final class ConfigOptions {

    @Option(names = "--config", paramLabel = "FILE", description = "HOCON file of settings (see conf/); keys not in it keep the paper's defaults.")
    Path file;

    @Parameters(paramLabel = "key=value", description = "Overrides, applied after the file, e.g. optim.lr=1e-3.")
    List<String> overrides = new ArrayList<>();

    DinoConfig load() {
        return ConfigLoader.load(file, overrides);
    }
}
