package io.dinospark.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

import io.dinospark.eval.EvalResults;
import io.dinospark.eval.FeatureModel;
import io.dinospark.eval.KnnEvaluation;
import io.dinospark.eval.LabelledSet;
import io.dinospark.eval.TrainedRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Weighted k-NN of a run's teacher features against the random-init and raw-pixel baselines. */
@Command(name = "knn", mixinStandardHelpOptions = true,
        description = {"Weighted k-NN (the paper's protocol: cosine similarity, votes exp(sim / T)) of the CLS features"
                + " of a run's newest teacher (or of imported --weights), a randomly initialised backbone and the raw"
                + " pixels; prints the table and writes <run>/eval/knn.json (with --run)."})
final class KnnCommand implements Callable<Integer> {

    @Mixin
    EvalOptions options;

    @Option(names = "--k", split = ",", defaultValue = "10,20,100,200", paramLabel = "K",
            description = "Numbers of neighbours, comma-separated. Default: ${DEFAULT-VALUE}.")
    List<Integer> ks;

    @Option(names = "--temperature", defaultValue = "0.07", description = "Vote temperature T. Default: ${DEFAULT-VALUE}.")
    double temperature;

    @Option(names = "--baselines", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also evaluate the random-init backbone and the raw pixels (--no-baselines: the teacher only).")
    boolean baselines;

    @Override
    public Integer call() throws Exception {
        SparkSession spark = SparkSession.builder().appName("dino-spark knn").getOrCreate();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        TrainedRun run = options.source.load(hadoop);
        LabelledSet train = LabelledSet.list(spark, run.images(options.train), "train");
        LabelledSet val = LabelledSet.list(spark, run.images(options.val), "val");
        KnnEvaluation knn = new KnnEvaluation(train, val, run.config().crops().globalSize(), run.config().augment(),
                options.batchSize, ks, temperature);
        List<FeatureModel> models = new ArrayList<>(List.of(run.features(FeatureModel.TEACHER)));
        if (baselines) {
            models.add(run.features(FeatureModel.RANDOM_INIT));
            models.add(run.features(FeatureModel.RAW_PIXELS));
        }
        List<KnnEvaluation.Row> rows = new ArrayList<>();
        for (FeatureModel model : models) {
            rows.addAll(knn.evaluate(model));
        }
        System.out.printf("weighted k-NN (T %s) of %s at step %d: %d train, %d val images%n", temperature,
                options.source.describe(), run.step(), train.count(), val.count());
        System.out.print(table(rows));
        if (baselines) {
            System.out.println(verdict(rows, run.classes() > 0 ? "fine-tuning" : "DINO"));
        }
        if (options.source.runDirectory() != null) {
            var file = EvalResults.writeKnn(options.source.runDirectory(), new EvalResults.Knn(run.step(), rows), hadoop);
            System.out.println("written to " + file);
        }
        return 0;
    }

    /**
     * The line that says whether the teacher beat both baselines, at k 20 (the paper's) or else the first k.
     *
     * @param trainedBy what trained it, as the line says: {@code DINO}, or {@code fine-tuning} (with labels)
     */
    static String verdict(List<KnnEvaluation.Row> rows, String trainedBy) {
        int k = rows.stream().anyMatch(r -> r.k() == 20) ? 20 : rows.get(0).k();
        double teacher = top1(rows, FeatureModel.TEACHER, k);
        double randomInit = top1(rows, FeatureModel.RANDOM_INIT, k);
        double raw = top1(rows, FeatureModel.RAW_PIXELS, k);
        String outcome = trainedBy + (teacher > raw && teacher > randomInit ? " beat both"
                : teacher > randomInit ? " beat its initial network, not the raw pixels"
                : teacher > raw ? " beat the raw pixels, not its initial network"
                : " beat neither");
        return String.format("at k %d the teacher's %.2f%% is %+.2f points against the raw pixels (%.2f%%) and %+.2f"
                + " against its initial network (%.2f%%): %s", k, 100 * teacher, 100 * (teacher - raw), 100 * raw,
                100 * (teacher - randomInit), 100 * randomInit, outcome);
    }

    private static double top1(List<KnnEvaluation.Row> rows, String features, int k) {
        return rows.stream().filter(r -> r.features().equals(features) && r.k() == k).findFirst()
                .orElseThrow(() -> new IllegalStateException("no k-NN row for " + features + " at k " + k))
                .top1();
    }

    static String table(List<KnnEvaluation.Row> rows) {
        StringBuilder out = new StringBuilder(String.format("%-12s %5s %8s %8s%n", "features", "k", "top-1", "top-5"));
        for (KnnEvaluation.Row r : rows) {
            out.append(String.format("%-12s %5d %7.2f%% %7.2f%%%n", r.features(), r.k(), 100 * r.top1(), 100 * r.top5()));
        }
        return out.toString();
    }
}
