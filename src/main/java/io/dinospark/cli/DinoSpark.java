package io.dinospark.cli;

import io.dinospark.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of dino-spark: {@code dino-spark <subcommand> [--config FILE] [key=value ...]}. */
@Command(name = "dino-spark", mixinStandardHelpOptions = true, version = "dino-spark 0.1.0",
        description = "DINO self-supervised pretraining on Spark with DL4J.",
        subcommands = {ConfigCommand.class, PrepareCommand.class, TrainCommand.class, DemoCommand.class,
                KnnCommand.class, LinearCommand.class, FeaturesCommand.class, AttentionCommand.class, ReportCommand.class,
                ExportCommand.class, RetrieveCommand.class, DedupeCommand.class, CopiesCommand.class, FinetuneCommand.class})
public final class DinoSpark implements Runnable {

    /** Exit code of a configuration error (picocli uses 2 for usage errors, 1 for other failures). */
    static final int CONFIG_ERROR = 3;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new DinoSpark());
        cli.getSubcommands().get("train").getCommandSpec().usageMessage()
                .footer("%nConfiguration keys (key, default, description):%n" + ConfigCommand.keysTable().replace("%", "%%"));
        return cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException) {
                cmd.getErr().println("configuration error: " + e.getMessage());
                return CONFIG_ERROR;
            }
            throw e;
        });
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}
