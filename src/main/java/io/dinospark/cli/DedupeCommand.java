package io.dinospark.cli;

import java.util.Locale;
import java.util.concurrent.Callable;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dinospark.data.ImageCatalog;
import io.dinospark.eval.FeatureExtractor;
import io.dinospark.eval.FeatureModel;
import io.dinospark.eval.ImageFeature;
import io.dinospark.eval.NearDuplicates;
import io.dinospark.eval.TrainedRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Near-duplicate pairs within one image set, by cosine similarity of a run's features. */
@Command(name = "dedupe", mixinStandardHelpOptions = true,
        description = {"Near-duplicate pairs within one image set: every pair whose cosine similarity of the features (CLS,"
                + " or CLS+GeM with --descriptor cls-gem; optionally --multiscale) of a run's newest teacher (or of imported --weights, a random-init backbone, the raw pixels) is at least"
                + " --threshold, written as a Parquet table a, b, similarity. Exact (the distributed top-k) for sets up to"
                + " --exact-max images, Spark ML's BucketedRandomProjectionLSH with exact re-scoring above."})
final class DedupeCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(DedupeCommand.class);

    enum Method { AUTO, EXACT, LSH }

    @Mixin
    BackboneSource source;

    @Option(names = "--images", required = true, paramLabel = "ROOT", description = "The images, laid out as the run's data.")
    String images;

    @Option(names = "--out", required = true, paramLabel = "TABLE", description = "Parquet output (must not exist).")
    String out;

    @Option(names = "--threshold", defaultValue = "0.95", paramLabel = "COS",
            description = "Least cosine similarity of a near-duplicate pair. Default: ${DEFAULT-VALUE}.")
    double threshold;

    @Option(names = "--features", defaultValue = "teacher", paramLabel = "NAME",
            description = "teacher, random-init or raw-pixels. Default: ${DEFAULT-VALUE}.")
    String features;

    @Mixin
    FeatureOptions featureOptions;

    @Option(names = "--method", defaultValue = "auto", paramLabel = "M",
            description = "auto (exact up to --exact-max images, else lsh), exact or lsh. Default: ${DEFAULT-VALUE}.")
    String method;

    @Option(names = "--exact-max", defaultValue = "50000", paramLabel = "N",
            description = "auto: the largest set searched exactly (its features are broadcast: N x D floats). Default: ${DEFAULT-VALUE}.")
    long exactMax;

    @Option(names = "--k", defaultValue = "20", paramLabel = "K",
            description = "exact: images looked at per image, itself included; one with more near-duplicates keeps its k - 1"
                    + " closest. Default: ${DEFAULT-VALUE}.")
    int k;

    @Option(names = "--hash-tables", defaultValue = "10", paramLabel = "N",
            description = "lsh: hash tables (more: fewer pairs missed, more proposed). Default: ${DEFAULT-VALUE}.")
    int hashTables;

    @Option(names = "--bucket-length", paramLabel = "L",
            description = "lsh: bucket length on the unit-length features (longer: fewer pairs missed, more proposed)."
                    + " Default: 2 d / sqrt(D), d the threshold's distance sqrt(2 - 2 cos), D the feature's dimensions.")
    Double bucketLength;

    @Option(names = "--seed", defaultValue = "0", description = "lsh: the hash functions' seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Override
    public Integer call() throws Exception {
        Method chosen = parse(method);
        NearDuplicates dedupe = new NearDuplicates(threshold, k);
        NearDuplicates.Lsh lsh = new NearDuplicates.Lsh(hashTables, bucketLength, seed);
        SparkSession spark = SparkSession.builder().appName("dino-spark dedupe").getOrCreate();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        NewTable.requireAbsent(out, "dedupe", hadoop);
        TrainedRun run = featureOptions.on(source.load(hadoop));
        FeatureModel model = featureOptions.apply(run.features(features));
        ImageCatalog catalog = ImageCatalog.list(spark, run.images(images));
        if (chosen == Method.AUTO) {
            chosen = catalog.count() <= exactMax ? Method.EXACT : Method.LSH;
        }
        long start = System.nanoTime();
        Broadcast<FeatureModel> broadcast = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(model);
        JavaRDD<ImageFeature> extracted = FeatureExtractor.extract(catalog.images(), run.config().crops().globalSize(),
                run.config().augment(), featureOptions.batchSize, broadcast).persist(StorageLevel.MEMORY_AND_DISK());
        long written;
        try {
            LOG.info("dedupe: {} features of {} images extracted in {} s", model.name(), extracted.count(),
                    (System.nanoTime() - start) / 1_000_000_000L);
            JavaRDD<Row> pairs = chosen == Method.EXACT ? dedupe.exact(extracted) : dedupe.lsh(spark, extracted, lsh);
            try {
                written = NearDuplicates.write(spark, pairs, out);
            } finally {
                pairs.unpersist();
            }
        } finally {
            extracted.unpersist();
            broadcast.destroy();
        }
        System.out.printf(Locale.ROOT, "dedupe of %d images (%s, %s features (%s) of %s at step %d, cosine >= %s): %d pairs"
                + " written to %s in %.1f s%n", catalog.count(), chosen.name().toLowerCase(Locale.ROOT), model.name(),
                featureOptions.kind().describe(), source.describe(),
                run.step(), threshold, written, out, (System.nanoTime() - start) / 1e9);
        return 0;
    }

    private static Method parse(String value) {
        try {
            return Method.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--method '" + value + "' is not one of auto, exact, lsh");
        }
    }
}
