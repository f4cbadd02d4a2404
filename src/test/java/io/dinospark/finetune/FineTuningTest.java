package io.dinospark.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinospark.BrightnessClasses;
import io.dinospark.LocalSpark;
import io.dinospark.TestConfigs;
import io.dinospark.config.ConfigException;
import io.dinospark.config.ConfigLoader;
import io.dinospark.config.DataConfig;
import io.dinospark.config.DinoConfig;
import io.dinospark.config.OptimConfig;
import io.dinospark.config.TrainConfig;
import io.dinospark.data.ImageSource;
import io.dinospark.eval.FeatureModel;
import io.dinospark.eval.TrainedRun;
import io.dinospark.model.DinoNetwork;
import io.dinospark.model.ParameterLayout;
import io.dinospark.train.Checkpoints;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuning on Spark (two workers, the torch engine): a random-init convnet learns three classes well above
 * chance; a run stopped half-way and resumed ends where an uninterrupted one does; a run is not resumed with
 * another recipe or another configuration; and its checkpoint is a run that evaluation reads.
 */
class FineTuningTest {

    private static final int CLASSES = 3;
    /** 3 classes x 16 images, 2 workers x 8: 3 steps an epoch. */
    private static final int EPOCHS = 12;
    private static final long STEPS = 3L * EPOCHS;

    @TempDir
    Path dir;

    private DinoConfig config() throws IOException {
        BrightnessClasses.write(dir.resolve("images"), CLASSES, 16, 10, 3);
        DinoConfig c = TestConfigs.tinyConv(0);
        return new DinoConfig(c.model(), c.crops(), c.dino(), new OptimConfig(0.3, 1e-5, 1, 0.05, 0.05, 3.0, 0),
                new TrainConfig(EPOCHS, 8, 42, 2, 1, 0, 3, "stop", "torch", ""), c.augment(),
                new DataConfig(dir.resolve("images/train").toString(), "imagenet", "image", "label", "path"),
                ConfigLoader.defaults().eval());
    }

    private FineTuning.Outcome fineTune(DinoConfig config, FineTuning.Recipe recipe, String output, long until)
            throws IOException {
        FeatureModel randomInit = FeatureModel.randomInit(config, 1);
        return FineTuning.run(LocalSpark.get(), config, recipe, new FineTuning.Start(randomInit.name(), "none", 0,
                randomInit.params()), ImageSource.of(config.data()).at(dir.resolve("images/val").toString()), output,
                until, 16);
    }

    @Test
    void learnsResumesExactlyAndServesEvaluation() throws IOException {
        DinoConfig config = config();
        FineTuning.Recipe recipe = new FineTuning.Recipe(0.1, 0.5);
        String whole = dir.resolve("whole").toString();
        FineTuning.Outcome outcome = fineTune(config, recipe, whole, 0);
        assertEquals(STEPS, outcome.steps());
        assertTrue(outcome.top1() >= 0.9, "3 brightness classes, chance 33%: at least 90% (it reaches 100%); top-1 " + outcome.top1());
        assertEquals(1.0, outcome.top5(), "top-5 of 3 classes");

        String resumed = dir.resolve("resumed").toString();
        FineTuning.Outcome half = fineTune(config, recipe, resumed, STEPS / 2);
        assertEquals(STEPS / 2, half.steps());
        assertEquals(STEPS / 2, latest(resumed).nextStep());
        FineTuning.Outcome rest = fineTune(config, recipe, resumed, 0);
        assertEquals(STEPS, rest.steps());
        Checkpoints.State a = latest(whole);
        Checkpoints.State b = latest(resumed);
        assertEquals(CLASSES, b.classes());
        assertEquals(a.student().optimizerSteps(), b.student().optimizerSteps());
        assertArrayEquals(a.student().params().toFloatVector(), b.student().params().toFloatVector(), 1e-6f,
                "stopped after " + STEPS / 2 + " steps and resumed, the classifier ends as the uninterrupted one");
        assertEquals(outcome.top1(), rest.top1(), 1e-9);

        ConfigException refused = assertThrows(ConfigException.class,
                () -> fineTune(config, new FineTuning.Recipe(0.2, 0.5), resumed, 0));
        assertTrue(refused.getMessage().contains("cannot resume the fine-tuning in " + resumed), refused.getMessage());
        DinoConfig otherRate = new DinoConfig(config.model(), config.crops(), config.dino(),
                new OptimConfig(0.1, 1e-5, 1, 0.05, 0.05, 3.0, 0), config.train(), config.augment(), config.data(),
                config.eval());
        ConfigException changed = assertThrows(ConfigException.class, () -> fineTune(otherRate, recipe, resumed, 0));
        assertTrue(changed.getMessage().contains("differs in [optim.lr]"), changed.getMessage());

        TrainedRun run = TrainedRun.load(whole, new Configuration());
        long backbone = ParameterLayout.of(config).length(DinoNetwork.BACKBONE);
        assertEquals(ParameterLayout.classifier(config, CLASSES).size(), run.teacherParams().length());
        assertArrayEquals(Arrays.copyOf(a.student().params().toFloatVector(), (int) backbone),
                run.teacher(1).params().toFloatVector(), "evaluation reads the fine-tuned backbone");
    }

    private static Checkpoints.State latest(String run) throws IOException {
        return new Checkpoints(new org.apache.hadoop.fs.Path(run), new Configuration(), 3).latest().orElseThrow();
    }

    @Test
    void theDl4jEngineFineTunesThroughSparkDl4jMultiLayer() throws IOException {
        DinoConfig config = TestConfigs.withEngine(config(), "dl4j");
        FineTuning.Outcome outcome = fineTune(config, new FineTuning.Recipe(0.1, 0.5), dir.resolve("dl4j").toString(), 0);
        assertEquals(STEPS, outcome.steps());
        assertTrue(outcome.top1() >= 0.9, "3 brightness classes, chance 33%: at least 90%; top-1 " + outcome.top1());
        assertEquals(ParameterLayout.classifier(config, CLASSES).size(),
                latest(dir.resolve("dl4j").toString()).student().params().length());
    }
}
