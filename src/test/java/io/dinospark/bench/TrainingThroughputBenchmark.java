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
 * Training throughput of the CPU preset (conf/cpu.conf: the convnet with the BatchNorm head, 2 workers x 128 images)
 * on Spark local mode, for each engine, against the same model and data in a plain single-process loop of the same
 * engine: the ratio is Spark's overhead. Not a test:
 * {@code mvn test -Dtest=TrainingThroughputBenchmark -Dtest.tags.excluded=none}.
 */
@Tag("benchmark")
class TrainingThroughputBenchmark {

    private static final int STEPS = 14;
    private static final int WARMUP = 4;

    @TempDir
    Path dir;

    @Test
    void sparkAgainstAPlainLoopOnEachEngine() throws IOException {
        new SyntheticImageSet(10, 3).write(dir.toString(), 400, 0, 0, false);
        for (String engine : List.of("dl4j", "torch")) {
            DinoConfig config = ConfigLoader.load(Path.of("conf/cpu.conf"), List.of("data.root=\"" + dir.resolve("train") + "\"",
                    "train.engine=" + engine, "eval.knn_every=0"));
            double plain = plainLoop(config);
            List<StepReport> reports = new ArrayList<>();
            long[] rssAfterWarmup = new long[1];
            SparkDinoTrainer trainer = new SparkDinoTrainer(LocalSpark.get(), config);
            trainer.train(Math.min(STEPS, trainer.schedules().totalSteps()), report -> {
                reports.add(report);
                if (reports.size() == WARMUP) {
                    rssAfterWarmup[0] = residentMegabytes();
                }
            });
            List<StepReport> warm = reports.subList(Math.min(WARMUP, reports.size() - 1), reports.size());
            double seconds = warm.stream().mapToDouble(r -> r.images() / r.imagesPerSecond()).sum();
            long images = warm.stream().mapToLong(StepReport::images).sum();
            System.out.printf("%s engine: plain single-process loop, batch 256: %.1f images/s; Spark local[2], 2 workers"
                            + " x 128: %.1f images/s (%.2fx the plain loop); per step: data+teacher %.2f s, student fit"
                            + " %.2f s, driver update %.3f s, broadcast %.3f s; process RSS after step %d %d MB, after"
                            + " step %d %d MB%n",
                    engine, plain, images / seconds, images / seconds / plain,
                    warm.stream().mapToDouble(StepReport::dataAndTeacherSeconds).average().orElse(0),
                    warm.stream().mapToDouble(StepReport::studentFitSeconds).average().orElse(0),
                    warm.stream().mapToDouble(StepReport::driverUpdateSeconds).average().orElse(0),
                    warm.stream().mapToDouble(StepReport::broadcastSeconds).average().orElse(0),
                    WARMUP, rssAfterWarmup[0], reports.size(), residentMegabytes());
        }
    }

    /** This process's resident memory (heap and native), from /proc: native memory that grows shows here. */
    static long residentMegabytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
            return -1;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The same model, crops and images, decoded and cropped in this thread, trained by {@link LocalDinoLoop}. */
    private double plainLoop(DinoConfig preset) throws IOException {
        int batch = preset.train().workers() * preset.train().batchSizePerWorker();
        DinoConfig config = new DinoConfig(preset.model(), preset.crops(), preset.dino(), preset.optim(),
                new TrainConfig(preset.train().epochs(), batch, preset.train().seed(), 1, 1, 0, 1, "stop", preset.train().engine(), ""),
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
