package io.dinospark.cli;

import java.util.concurrent.Callable;

import org.apache.spark.sql.SparkSession;

import io.dinospark.data.CopySet;
import io.dinospark.data.ImageLayout;
import io.dinospark.data.ImageSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes a copy-detection benchmark (originals, attacked copies, distractors, ground truth) from any image set. */
@Command(name = "copies", mixinStandardHelpOptions = true,
        description = {"Write a copy-detection benchmark from any image set, as Copydays \"strong\": a seeded choice of originals"
                + " (OUT/database/originals), copies of each under one to three attacks (crop 10-80%% of the area, rotation,"
                + " flip, colour change, blur, overlaid text or shape, JPEG quality 3-75: OUT/queries/copies), distractors"
                + " from another set (OUT/database/distractors), OUT/ground-truth.jsonl for retrieve --ground-truth and"
                + " OUT/copies.tsv (copy, original, source, attacks). Deterministic from --seed."})
final class CopiesCommand implements Callable<Integer> {

    @Option(names = "--images", required = true, paramLabel = "ROOT", description = "Where the originals are chosen from.")
    String images;

    @Option(names = "--layout", defaultValue = "imagenet", paramLabel = "L",
            description = "Layout of --images and --distractors: imagenet, flat or index. Default: ${DEFAULT-VALUE}.")
    String layout;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output root (any Hadoop FileSystem URI).")
    String out;

    @Option(names = "--originals", defaultValue = "157", paramLabel = "N",
            description = "Originals (all, if the set has fewer); Copydays has 157. Default: ${DEFAULT-VALUE}.")
    long originals;

    @Option(names = "--copies-per-original", defaultValue = "2", paramLabel = "N",
            description = "Copies of each original (Copydays strong: 229 of 157). Default: ${DEFAULT-VALUE}.")
    int copiesPerOriginal;

    @Option(names = "--distractors", paramLabel = "ROOT", description = "Distractor images for the database (default: none).")
    String distractors;

    @Option(names = "--distractor-count", defaultValue = "10000", paramLabel = "N",
            description = "Distractors (all, if the set has fewer); the paper used 10,000. Default: ${DEFAULT-VALUE}.")
    long distractorCount;

    @Option(names = "--seed", defaultValue = "0", description = "Chooses the originals, distractors and attacks. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--index", description = "Also write index.tsv (path, size, label) in OUT/queries and OUT/database.")
    boolean index;

    @Override
    public Integer call() throws Exception {
        ImageLayout parsed = ImageLayout.parse(layout);
        if (parsed == ImageLayout.PARQUET) {
            throw new IllegalArgumentException("copies reads image files: --layout imagenet, flat or index, got parquet");
        }
        SparkSession spark = SparkSession.builder().appName("dino-spark copies").getOrCreate();
        CopySet.Written written = CopySet.write(spark, ImageSource.files(images, parsed), originals, copiesPerOriginal,
                distractors == null ? null : ImageSource.files(distractors, parsed), distractorCount, seed, out, index);
        System.out.printf("wrote %d copies of %d originals and %d distractors to %s (%d originals unreadable, skipped)%n",
                written.copies(), written.originals(), written.distractors(), out, written.unreadable());
        return 0;
    }
}
