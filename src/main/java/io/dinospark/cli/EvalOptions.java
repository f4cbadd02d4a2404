package io.dinospark.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options every evaluation subcommand shares: which backbone, which images, how many at once. */
final class EvalOptions {

    @Mixin
    BackboneSource source;

    @Option(names = "--train", paramLabel = "ROOT",
            description = "Labelled training images, laid out as the run's data (default: the run's data.root; with --weights,"
                    + " the default data.root, laid out as class folders).")
    String train;

    @Option(names = "--val", required = true, paramLabel = "ROOT",
            description = "Labelled validation images, laid out as the run's data (e.g. data/default/val).")
    String val;

    @Option(names = "--batch-size", defaultValue = "128", paramLabel = "N",
            description = "Images per feature-extraction batch on an executor. Default: ${DEFAULT-VALUE}.")
    int batchSize;
}
