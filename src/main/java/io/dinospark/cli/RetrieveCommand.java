package io.dinospark.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

import io.dinospark.data.ImageCatalog;
import io.dinospark.engine.FeatureKind;
import io.dinospark.eval.EvalResults;
import io.dinospark.eval.GroundTruth;
import io.dinospark.eval.GroundTruthFile;
import io.dinospark.eval.ImageRetrieval;
import io.dinospark.eval.TrainedRun;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Nearest-neighbour image retrieval of query images in a database, scored against a ground truth when given. */
@Command(name = "retrieve", mixinStandardHelpOptions = true,
        description = {"Image retrieval (the reference's eval_image_retrieval.py and eval_copy_detection.py): the top k"
                + " database images of each query by cosine similarity of the features (CLS, or CLS+GeM with --descriptor"
                + " cls-gem; optionally --multiscale) of a run's newest teacher (or of imported --weights, a"
                + " random-init backbone, the raw pixels), written as a Parquet table features, query, rank, database,"
                + " similarity. With --ground-truth or --same-class it prints mAP and mP@1/5/10 (the revisited protocol)"
                + " and writes <run>/eval/<result>.json (with --run)."})
final class RetrieveCommand implements Callable<Integer> {

    static final class Truth {
        @Option(names = "--ground-truth", required = true, paramLabel = "FILE",
                description = "JSON lines {\"query\": NAME, \"positives\": [NAME, ...], \"junk\": [NAME, ...]}, images named by"
                        + " their path under --queries and --database.")
        String file;

        @Option(names = "--same-class", required = true,
                description = "Instead of --ground-truth: labelled sets; a database image of the query's class is a positive.")
        boolean sameClass;
    }

    @Mixin
    BackboneSource source;

    @Option(names = "--queries", required = true, paramLabel = "ROOT", description = "Query images, laid out as the run's data.")
    String queries;

    @Option(names = "--database", required = true, paramLabel = "ROOT", description = "Database images, laid out as the run's data.")
    String database;

    @Option(names = "--k", defaultValue = "100", paramLabel = "K",
            description = "Database images kept per query; a positive ranked below k counts as not found. Default: ${DEFAULT-VALUE}.")
    int k;

    @Option(names = "--features", split = ",", defaultValue = "teacher", paramLabel = "NAME",
            description = "Features to rank by, comma-separated: teacher, random-init, raw-pixels. Default: ${DEFAULT-VALUE}.")
    List<String> features;

    @Mixin
    FeatureOptions featureOptions;

    @ArgGroup(exclusive = true)
    Truth truth;

    @Option(names = "--out", required = true, paramLabel = "TABLE", description = "Parquet output (must not exist).")
    String out;

    @Option(names = "--result", defaultValue = EvalResults.RETRIEVAL_NAME, paramLabel = "NAME",
            description = "The scores go to <run>/eval/NAME.json. Default: ${DEFAULT-VALUE}.")
    String result;

    @Option(names = "--whitening", paramLabel = "ROOT",
            description = "Images (a third set, e.g. distractors) to learn the reference's copy-detection whitening on, for"
                    + " each features; applied to queries and database alike (default: none).")
    String whitening;

    @Override
    public Integer call() throws Exception {
        SparkSession spark = SparkSession.builder().appName("dino-spark retrieve").getOrCreate();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        EvalResults.checkName(result);
        NewTable.requireAbsent(out, "retrieve", hadoop);
        TrainedRun run = featureOptions.on(source.load(hadoop));
        FeatureKind kind = featureOptions.kind();
        var models = features.stream().map(run::features).map(featureOptions::apply).toList();
        ImageCatalog queryImages = ImageCatalog.list(spark, run.images(queries));
        ImageCatalog databaseImages = ImageCatalog.list(spark, run.images(database));
        GroundTruth groundTruth = truth == null ? null : truth.sameClass
                ? GroundTruth.sameClass(databaseImages.images(), database)
                : GroundTruthFile.read(truth.file, queries, database, hadoop);
        if (groundTruth instanceof GroundTruthFile file) { // before any feature is computed
            file.check(queryImages.images().map(r -> new ImageRetrieval.Image(r.path(), r.label())).collect(),
                    databaseImages.images());
        }
        ImageRetrieval retrieval = new ImageRetrieval(queryImages.images(), databaseImages.images(),
                whitening == null ? null : ImageCatalog.list(spark, run.images(whitening)).images(), run.config().crops().globalSize(), run.config().augment(), featureOptions.batchSize, k);
        List<ImageRetrieval.Ranking> rankings = new ArrayList<>();
        List<GroundTruth.Row> rows = new ArrayList<>();
        for (var model : models) {
            ImageRetrieval.Ranking ranking = retrieval.rank(model);
            rankings.add(ranking);
            if (groundTruth != null) {
                rows.add(groundTruth.score(ranking));
            }
        }
        long written = ImageRetrieval.write(spark, rankings, out);
        System.out.printf("retrieval of %d queries in %d database images (top %d) by %s at step %d (%s): %d rows written to %s%n",
                queryImages.count(), databaseImages.count(), k, source.describe(), run.step(), kind.describe(), written, out);
        if (groundTruth == null) {
            return 0;
        }
        System.out.println("ground truth: " + groundTruth.describe());
        System.out.print(table(rows));
        if (source.runDirectory() != null) {
            var file = EvalResults.writeRetrieval(source.runDirectory(), result, new EvalResults.Retrieval(run.step(),
                    groundTruth.describe(), k, queryImages.count(), databaseImages.count(), kind.describe(), rows), hadoop);
            System.out.println("written to " + file);
        }
        return 0;
    }

    static String table(List<GroundTruth.Row> rows) {
        StringBuilder out = new StringBuilder(String.format("%-12s %8s %8s %8s %8s %8s%n", "features", "mAP", "mP@1",
                "mP@5", "mP@10", "queries"));
        for (GroundTruth.Row r : rows) {
            out.append(String.format("%-12s %7.2f%% %7.2f%% %7.2f%% %7.2f%% %8d%n", r.features(), 100 * r.map(),
                    100 * r.precisionAt1(), 100 * r.precisionAt5(), 100 * r.precisionAt10(), r.queriesScored()));
        }
        return out.toString();
    }
}
