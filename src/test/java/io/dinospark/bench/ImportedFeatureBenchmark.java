package io.dinospark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.dinospark.LocalSpark;
import io.dinospark.PythonTorch;
import io.dinospark.augment.EvaluationView;
import io.dinospark.config.ConfigLoader;
import io.dinospark.config.DinoConfig;
import io.dinospark.data.ImageCatalog;
import io.dinospark.data.ImageDecoder;
import io.dinospark.data.ImageLayout;
import io.dinospark.data.ImageRef;
import io.dinospark.data.ImageSource;
import io.dinospark.data.SyntheticImageSet;
import io.dinospark.engine.Engine;
import io.dinospark.engine.FeatureNetwork;
import io.dinospark.eval.FeatureExtractor;
import io.dinospark.eval.FeatureModel;
import io.dinospark.eval.TrainedRun;
import io.dinospark.interop.WeightsExport;

/**
 * Feature extraction of an imported ViT-S/16 at 224 px, in three parts measured side by side in one run: the whole
 * of it on {@code local[2]} ({@link FeatureExtractor}: read, decode, resize and crop, the backbone); the network
 * alone in this process ({@link Engine#features} on ready views, batch 16); the preprocessing alone (read, decode,
 * evaluation view) in one thread. Beside them the authors' ViT in PyTorch on the same file
 * ({@code src/test/python/authors_vit.py bench}: the forward pass on ready tensors, at 1 and 2 threads).
 * {@code mvn test -Dtest=ImportedFeatureBenchmark -Dtest.tags.excluded=none} (the comparison needs Debian's
 * python3-torch).
 */
@Tag("benchmark")
class ImportedFeatureBenchmark {

    private static final int SIZE = 224;
    private static final int BATCH = 16;

    @TempDir
    java.nio.file.Path dir;

    @Test
    void importedVitSmallFeaturesAgainstPytorch() throws Exception {
        assumeTrue(PythonTorch.missing() == null, PythonTorch.missing());
        DinoConfig config = ConfigLoader.load(null, List.of("model.arch=vit_small", "model.patch_size=16"));
        Path weights = new Path(dir.resolve("vit_small16.safetensors").toString());
        WeightsExport.write(FileSystem.getLocal(new Configuration()), weights, WeightsExport.tensors(config,
                Engine.of(config).initialStudent(config).params().toFloatVector(), false),
                WeightsExport.metadata(config, 0, "teacher"));
        String root = dir.resolve("images").toString();
        new SyntheticImageSet(10, 1).write(root, 16, 0, 0, false); // 160 images, 48-160 px, JPEG and PNG

        SparkSession spark = LocalSpark.get();
        TrainedRun imported = TrainedRun.imported(weights.toString(), SIZE, spark.sparkContext().hadoopConfiguration());
        JavaRDD<ImageRef> images = ImageCatalog.list(spark, ImageSource.files(root + "/train", ImageLayout.IMAGENET))
                .images().repartition(2).cache();
        long count = images.count();
        Broadcast<FeatureModel> model = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(imported.teacher(1));
        // Warm-up: the executor builds its network once per broadcast model.
        FeatureExtractor.extract(images.sample(false, 0.1, 1), SIZE, imported.config().augment(), BATCH, model).count();
        long start = System.nanoTime();
        long done = FeatureExtractor.extract(images, SIZE, imported.config().augment(), BATCH, model).count();
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(count, done);
        double ours = done / seconds;
        System.out.printf("dino-spark features --weights, local[2], ViT-S/16 at %d px: %d images in %.1f s = %.2f images/s%n",
                SIZE, done, seconds, ours);
        double network = networkImagesPerSecond(imported.teacher(1));
        System.out.printf("the network alone, this process (Engine.features, batch %d, ready views): %.2f images/s%n",
                BATCH, network);
        double preprocessing = preprocessingImagesPerSecond(images.collect(), imported.config());
        System.out.printf("preprocessing alone, one thread (read, decode, resize, crop, normalise): %.2f images/s%n",
                preprocessing);

        for (int threads : new int[] {1, 2}) {
            String out = PythonTorch.script("src/test/python/authors_vit.py", "bench", weights.toString(),
                    Integer.toString(SIZE), Integer.toString(BATCH), "5", Integer.toString(threads)).strip();
            double theirs = Double.parseDouble(out.substring(out.lastIndexOf(' ') + 1));
            System.out.printf("PyTorch (authors' ViT), %d thread(s), forward only: %.2f images/s; local[2] / PyTorch %.2fx,"
                    + " network alone / PyTorch %.2fx%n", threads, theirs, ours / theirs, network / theirs);
        }
    }

    /** {@link Engine#features} on random views, after one warm-up batch: three batches timed. */
    private static double networkImagesPerSecond(FeatureModel model) {
        Nd4j.getRandom().setSeed(1);
        INDArray views = Nd4j.randn(DataType.FLOAT, BATCH, 3L * SIZE * SIZE);
        try (FeatureNetwork network = Engine.of(model.config()).features(model.config(), model.params(), model.blocks())) {
            network.features(views);
            int batches = 3;
            long start = System.nanoTime();
            for (int b = 0; b < batches; b++) {
                network.features(views);
            }
            return BATCH * batches / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** What {@link FeatureExtractor} does to each image before the network, one image after another. */
    private static double preprocessingImagesPerSecond(List<ImageRef> images, DinoConfig config) throws Exception {
        Configuration hadoop = new Configuration();
        EvaluationView view = new EvaluationView(SIZE, config.augment().mean(), config.augment().std());
        float[] row = new float[view.rowWidth()];
        long start = System.nanoTime();
        for (ImageRef image : images) {
            view.apply(ImageDecoder.decode(image.encoded(hadoop), image.path()), row, 0);
        }
        return images.size() / ((System.nanoTime() - start) / 1e9);
    }
}
