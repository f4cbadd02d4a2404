package io.dinospark.cli;

import java.util.concurrent.Callable;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

import io.dinospark.data.ImageCatalog;
import io.dinospark.eval.FeatureExport;
import io.dinospark.eval.FeatureExtractor;
import io.dinospark.eval.FeatureModel;
import io.dinospark.eval.TrainedRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Exports a run's teacher features of a set of images, with their paths and labels, as Parquet. */
@Command(name = "features", mixinStandardHelpOptions = true,
        description = "Write the features of a run's newest teacher (or of imported --weights) for a set of images as a Parquet table:"
                + " path, label (null when unlabelled), feature (array of float).")
final class FeaturesCommand implements Callable<Integer> {

    @Mixin
    BackboneSource source;

    @Option(names = "--images", paramLabel = "ROOT",
            description = "Images, laid out as the run's data (with --weights: class folders); labels are optional (default: the"
                    + " run's data.root).")
    String images;

    @Option(names = "--out", required = true, paramLabel = "TABLE", description = "Parquet output (must not exist).")
    String out;

    @Option(names = "--blocks", defaultValue = "1", paramLabel = "N",
            description = "ViT: concatenate the CLS tokens of the last N blocks (1: the usual feature). Default: ${DEFAULT-VALUE}.")
    int blocks;

    @Mixin
    FeatureOptions featureOptions;

    @Override
    public Integer call() throws Exception {
        SparkSession spark = SparkSession.builder().appName("dino-spark features").getOrCreate();
        TrainedRun trained = featureOptions.on(source.load(spark.sparkContext().hadoopConfiguration()));
        FeatureModel teacher = featureOptions.apply(trained.teacher(blocks));
        ImageCatalog catalog = ImageCatalog.list(spark, trained.images(images));
        Broadcast<FeatureModel> model = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(teacher);
        long written = FeatureExport.write(spark, FeatureExtractor.extract(catalog.images(),
                trained.config().crops().globalSize(), trained.config().augment(), featureOptions.batchSize, model), out);
        model.destroy();
        System.out.printf("wrote the features of %d of %d images (teacher at step %d, %s) to %s%n", written,
                catalog.count(), trained.step(), featureOptions.kind().describe(), out);
        return 0;
    }
}
