package io.dinospark.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dinospark.LocalSpark;
import io.dinospark.config.ConfigLoader;
import io.dinospark.config.DinoConfig;
import io.dinospark.data.SyntheticImageSet;
import io.dinospark.model.ParameterLayout;
import io.dinospark.train.SparkDinoTrainer;

/**
 * What one torch-engine step sends to the driver, from Spark's own task metrics (serialized result sizes per
 * stage), against the protocol on paper: each worker returns its parameters and both AdamW moments (3P floats) and
 * its share of the center (K floats). ViT-S/16 with K 65536, 2 workers of 1 image on local[2]. Not a test:
 * {@code mvn test -Dtest=StepTrafficBenchmark -Dtest.tags.excluded=none}.
 */
@Tag("benchmark")
class StepTrafficBenchmark {

    @TempDir
    Path dir;

    @Test
    void resultBytesPerStepAgainstTheProtocol() throws Exception {
        new SyntheticImageSet(2, 3).write(dir.toString(), 4, 0, 0, false);
        DinoConfig config = ConfigLoader.load(Path.of("conf/imagenet-vit-small.conf"), List.of(
                "data.root=\"" + dir.resolve("train") + "\"", "train.engine=torch", "train.workers=2",
                "train.batch_size_per_worker=1", "train.epochs=1", "optim.warmup_epochs=0",
                "dino.warmup_teacher_temp_epochs=0"));
        long p = ParameterLayout.of(config).size();
        long k = config.model().outDim();

        Map<Integer, String> stageNames = new ConcurrentHashMap<>();
        Map<Integer, LongAdder> resultBytes = new ConcurrentHashMap<>();
        SparkListener listener = new SparkListener() {
            @Override
            public void onStageSubmitted(SparkListenerStageSubmitted event) {
                stageNames.put(event.stageInfo().stageId(), event.stageInfo().name());
            }

            @Override
            public void onTaskEnd(SparkListenerTaskEnd event) {
                if (event.taskMetrics() != null) {
                    resultBytes.computeIfAbsent(event.stageId(), s -> new LongAdder()).add(event.taskMetrics().resultSize());
                }
            }
        };
        var spark = LocalSpark.get();
        spark.sparkContext().addSparkListener(listener);
        try {
            SparkDinoTrainer trainer = new SparkDinoTrainer(spark, config);
            resultBytes.clear();
            trainer.train(1, report -> { });
        } finally {
            spark.sparkContext().listenerBus().waitUntilEmpty();
            spark.sparkContext().removeSparkListener(listener);
        }
        System.out.printf("ViT-S/16, K %d: P = %,d parameters; on paper per worker: student result 3P floats = %,d"
                + " bytes, center share K floats = %,d bytes%n", k, p, 12 * p, 4 * k);
        for (Map.Entry<Integer, LongAdder> e : new TreeMap<>(resultBytes).entrySet()) {
            System.out.printf("stage %d (%s): %,d result bytes to the driver%n", e.getKey(),
                    stageNames.getOrDefault(e.getKey(), "?"), e.getValue().sum());
        }
    }
}
