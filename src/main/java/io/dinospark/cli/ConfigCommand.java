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

    /** Every configuration key with its default and description, one per line. */
    static String keysTable() {
        StringBuilder table = new StringBuilder();
        for (ConfigLoader.KeyHelp key : ConfigLoader.describeKeys()) {
            table.append(String.format("%-38s %-14s %s%n", key.key(), key.defaultValue(), key.description()));
        }
        return table.toString();
    }

    @Override
    public void run() {
        if (keys) {
            System.out.print(keysTable());
        } else {
            System.out.print(ConfigLoader.render(options.load()));
        }
    }
}
