package io.dinospark.cli;

import picocli.CommandLine.Option;

/** The options every evaluation subcommand shares: which run, which images, how many at once. */
final class EvalOptions {

    @Option(names = "--run", required = true, paramLabel = "DIR",
            description = "Run directory (any Hadoop FileSystem URI); its newest checkpoint's teacher is evaluated.")
    String run;

    @Option(names = "--train", paramLabel = "ROOT",
            description = "Labelled training images, laid out as the run's data (default: the run's data.root).")
    String train;

    @Option(names = "--val", required = true, paramLabel = "ROOT",
            description = "Labelled validation images, laid out as the run's data (e.g. data/default/val).")
    String val;

    @Option(names = "--batch-size", defaultValue = "128", paramLabel = "N",
            description = "Images per feature-extraction batch on an executor. Default: ${DEFAULT-VALUE}.")
    int batchSize;
}
