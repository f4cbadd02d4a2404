package io.dinospark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dinospark.LocalSpark;
import io.dinospark.TestConfigs;
import io.dinospark.config.ConfigLoader;
import io.dinospark.config.DataConfig;
import io.dinospark.config.DinoConfig;
import io.dinospark.config.OptimConfig;
import io.dinospark.config.TrainConfig;
import io.dinospark.data.CropRowsReader;
import io.dinospark.data.EpochPlan;
import io.dinospark.data.ImageCatalog;
import io.dinospark.data.ImageSource;
import io.dinospark.data.SyntheticImageSet;

/** The torch engine under the step protocol: Spark against the single-process loop, and exact resumes. */
class TorchTrainingTest {

    @TempDir
    Path dir;

    /** 24 synthetic images, a ViT with stochastic depth, libtorch. */
    private DinoConfig config(int workers) throws IOException {
        if (!Files.exists(dir.resolve("images"))) {
            new SyntheticImageSet(3, 1).write(dir.resolve("images").toString(), 8, 0, 0, false);
        }
        DinoConfig c = TestConfigs.tinyVit(2, 0.1, true);
        return new DinoConfig(c.model(), c.crops(), c.dino(), new OptimConfig(5e-3, 1e-5, 1, 0.04, 0.4, 3.0, 1),
                new TrainConfig(2, 4, 42, workers, 1, 2, 3, "stop", "torch", ""), c.augment(),
                new DataConfig(dir.resolve("images/train").toString(), "imagenet", "image", "label", "path"),
                ConfigLoader.defaults().eval());
    }

    @Test
    void oneWorkerOnSparkTrainsExactlyAsTheSingleProcessLoop() throws IOException {
        DinoConfig config = config(1);
        SparkSession spark = LocalSpark.get();
        int steps = 8; // across the epoch boundary (6 steps an epoch) and past the learning-rate warmup
        SparkDinoTrainer trainer = new SparkDinoTrainer(spark, config);
        List<Double> sparkLosses = new ArrayList<>();
        trainer.train(steps, report -> sparkLosses.add(report.loss()));

        // The same step's images, read as worker 0 of the Spark run reads them.
        ImageCatalog catalog = ImageCatalog.list(spark, ImageSource.of(config.data()));
        CropRowsReader reader = new CropRowsReader(config.crops(), config.augment(), config.train().seed());
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        long stepsPerEpoch = catalog.count() / config.train().imagesPerStep();
        LocalDinoLoop loop = new LocalDinoLoop(config, stepsPerEpoch);
        List<Double> localLosses = new ArrayList<>();
        loop.run(step -> {
            int epoch = (int) (step / stepsPerEpoch);
            EpochPlan plan = new EpochPlan(catalog, 1, config.train().batchSizePerWorker(), config.train().seed(), epoch);
            var rows = reader.read(plan.step(step % stepsPerEpoch).collect(), epoch, hadoop).rows();
            plan.release();
            return rows;
        }, steps, m -> localLosses.add(m.loss()));

        for (int s = 0; s < steps; s++) {
            assertEquals(localLosses.get(s), sparkLosses.get(s), 1e-5 * Math.abs(localLosses.get(s)), "loss of step " + s);
        }
        assertArrayEquals(loop.student().params().toFloatVector(), trainer.studentParams().toFloatVector(), 1e-5f,
                "the student after " + steps + " steps");
        assertArrayEquals(loop.teacherParams().toFloatVector(), trainer.teacherParams().toFloatVector(), 1e-5f,
                "the teacher after " + steps + " steps");
    }

    @Test
    void aStoppedRunResumesToTheSameStateAsAnUninterruptedOne() throws IOException {
        DinoConfig config = config(2);
        SparkSession spark = LocalSpark.get();
        SparkDinoTrainer uninterrupted = TrainingRun.run(spark, config, dir.resolve("whole").toString(), 6, r -> { });

        String output = dir.resolve("resumed").toString();
        TrainingRun.run(spark, config, output, 4, r -> { });
        Checkpoints.State saved = new Checkpoints(new org.apache.hadoop.fs.Path(output), new Configuration(), 3)
                .latest().orElseThrow();
        assertEquals(4, saved.nextStep());
        assertEquals(4, saved.student().optimizerSteps(), "one AdamW update a step");
        SparkDinoTrainer resumed = TrainingRun.run(spark, config, output, 6, r -> { });

        Checkpoints.State a = uninterrupted.state(ConfigLoader.render(config));
        Checkpoints.State b = resumed.state(ConfigLoader.render(config));
        assertArrayEquals(a.student().params().toFloatVector(), b.student().params().toFloatVector(), "student");
        assertArrayEquals(a.student().optimizer().toFloatVector(), b.student().optimizer().toFloatVector(), "AdamW moments");
        assertEquals(a.student().optimizerSteps(), b.student().optimizerSteps());
        assertArrayEquals(a.teacher().toFloatVector(), b.teacher().toFloatVector(), "teacher");
        assertArrayEquals(a.center().toFloatVector(), b.center().toFloatVector(), "center");
    }
}
