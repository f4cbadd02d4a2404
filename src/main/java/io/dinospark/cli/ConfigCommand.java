package io.dinospark.cli;

import io.dinospark.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Prints the resolved configuration, or every key with its default and description. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Print the resolved configuration (defaults < --config file < overrides), or list all keys.")
final class ConfigCommand implements Runnable {

    @Mixin
    ConfigOptions options;

    @Option(names = "--keys", description = "List every key with its default and a one-line description.")
    boolean keys;

    @Override
    public void run() {
        if (keys) {
            for (ConfigLoader.KeyHelp key : ConfigLoader.describeKeys()) {
                System.out.printf("%-38s %-14s %s%n", key.key(), key.defaultValue(), key.description());
            }
        } else {
            System.out.print(ConfigLoader.render(options.load()));
        }
    }
}
