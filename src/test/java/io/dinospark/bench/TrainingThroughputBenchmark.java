package io.dinospark.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dinospark.LocalSpark;
import io.dinospark.config.ConfigLoader;
import io.dinospark.config.DataConfig;
import io.dinospark.config.DinoConfig;
import io.dinospark.config.TrainConfig;
import io.dinospark.data.CropRowsReader;
import io.dinospark.data.ImageRef;
import io.dinospark.data.SyntheticImageSet;
import io.dinospark.train.LocalDinoLoop;
import io.dinospark.train.SparkDinoTrainer;
import io.dinospark.train.StepReport;

/**
 * Training throughput of the CPU ViT preset (conf/cpu-vit.conf) on Spark local mode with averaging frequency 1, 2 and 4,
 * against the same model and data in a plain single-process loop: the ratio is Spark's overhead. Not a test:
 * {@code mvn test -Dtest=TrainingThroughputBenchmark -Dtest.tags.excluded=none}.
 */
@Tag("benchmark")
class TrainingThroughputBenchmark {

    private static final int STEPS = 14;
    private static final int WARMUP = 4;

    @TempDir
    Path dir;

    @Test
    void sparkAgainstAPlainLoop() throws IOException {
        new SyntheticImageSet(10, 3).write(dir.toString(), 128, 0, false);
        // The network and step size the README's figures were measured with: the plain head, 2 workers x 32 images.
        DinoConfig preset = ConfigLoader.load(Path.of("conf/cpu-vit.conf"), List.of("data.root=\"" + dir.resolve("train") + "\"",
                "model.use_bn_in_head=false", "train.batch_size_per_worker=32"));

        double plain = plainLoop(preset);
        System.out.printf("plain single-process loop, batch 64: %.1f images/s%n", plain);
        for (int frequency : new int[] {1, 2, 4}) {
            TrainConfig t = preset.train();
            DinoConfig config = new DinoConfig(preset.model(), preset.crops(), preset.dino(), preset.optim(),
                    new TrainConfig(t.epochs(), t.batchSizePerWorker(), t.seed(), t.workers(), frequency,
                            t.checkpointEvery(), t.keepCheckpoints(), t.onNonFinite(), t.engine()), preset.augment(), preset.data(),
                    preset.eval());
            List<StepReport> reports = new ArrayList<>();
            SparkDinoTrainer trainer = new SparkDinoTrainer(LocalSpark.get(), config);
            long stop = Math.min(STEPS, trainer.schedules().totalSteps());
            trainer.train(stop, reports::add);
            List<StepReport> warm = reports.subList(Math.min(WARMUP, reports.size() - 1), reports.size());
            double seconds = warm.stream().mapToDouble(r -> r.images() / r.imagesPerSecond()).sum();
            long images = warm.stream().mapToLong(StepReport::images).sum();
            System.out.printf("Spark local[2], 2 workers x 32, averaging frequency %d: %.1f images/s (%.2fx the plain loop);"
                            + " per step: data+teacher %.2f s, student fit %.2f s, driver update %.3f s, broadcast %.3f s%n",
                    frequency, images / seconds, images / seconds / plain,
                    warm.stream().mapToDouble(StepReport::dataAndTeacherSeconds).average().orElse(0),
                    warm.stream().mapToDouble(StepReport::studentFitSeconds).average().orElse(0),
                    warm.stream().mapToDouble(StepReport::driverUpdateSeconds).average().orElse(0),
                    warm.stream().mapToDouble(StepReport::broadcastSeconds).average().orElse(0));
        }
    }

    /** The same model, crops and images, decoded and cropped in this thread, trained by {@link LocalDinoLoop}. */
    private double plainLoop(DinoConfig preset) throws IOException {
        int batch = preset.train().workers() * preset.train().batchSizePerWorker();
        DinoConfig config = new DinoConfig(preset.model(), preset.crops(), preset.dino(), preset.optim(),
                new TrainConfig(preset.train().epochs(), batch, preset.train().seed(), 1, 1, 0, 1, "stop", "dl4j"),
                preset.augment(), new DataConfig("unused", "imagenet", "image", "label", "path"), preset.eval());
        List<ImageRef> images = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir.resolve("train"))) {
            files.filter(Files::isRegularFile).sorted().forEach(f -> images.add(ImageRef.file(images.size(), f.toString(), null)));
        }
        CropRowsReader reader = new CropRowsReader(config.crops(), config.augment(), 0);
        Configuration hadoop = new Configuration();
        LocalDinoLoop loop = new LocalDinoLoop(config, images.size() / batch);
        long[] started = new long[1];
        loop.run(step -> {
            if (step == WARMUP) {
                started[0] = System.nanoTime();
            }
            int from = (int) (step * batch % (images.size() - batch));
            return reader.read(images.subList(from, from + batch), 0, hadoop).rows();
        }, STEPS, m -> { });
        return (double) (STEPS - WARMUP) * batch / ((System.nanoTime() - started[0]) / 1e9);
    }
}
