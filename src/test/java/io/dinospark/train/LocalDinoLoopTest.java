package io.dinospark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import io.dinospark.config.Arch;
import io.dinospark.config.ConfigLoader;
import io.dinospark.config.CropConfig;
import io.dinospark.config.DinoConfig;
import io.dinospark.config.DistillationConfig;
import io.dinospark.config.ModelConfig;
import io.dinospark.config.OptimConfig;
import io.dinospark.config.Range;
import io.dinospark.config.TrainConfig;
import io.dinospark.data.SyntheticCropRows;
import io.dinospark.model.CropLayout;

class LocalDinoLoopTest {

    private static final int K = 64;
    private static final int BATCH = 16;
    private static final int STEPS_PER_EPOCH = 50;
    private static final int EPOCHS = 6;

    private static DinoConfig config() {
        ModelConfig model = new ModelConfig(Arch.VIT, 4, 48, 2, 3, 2.0, true, 0.1, List.of(8), K, 64, 32, true, true);
        return new DinoConfig(model, new CropConfig(16, new Range(0.4, 1.0), 2, 8, new Range(0.1, 0.4)),
                new DistillationConfig(0.1, 0.04, 0.04, 0, 0.9, 0.99),
                new OptimConfig(5e-3, 1e-5, 1, 0.04, 0.4, 3.0, 1),
                new TrainConfig(EPOCHS, BATCH, 7, 1, 1, 0, 3, "stop", "dl4j", ""), ConfigLoader.defaults().augment(),
                ConfigLoader.defaults().data(), ConfigLoader.defaults().eval());
    }

    @Test
    void dinoLearnsWithoutCollapseOnSyntheticImages() {
        DinoConfig config = config();
        LocalDinoLoop loop = new LocalDinoLoop(config, STEPS_PER_EPOCH);
        SyntheticCropRows data = new SyntheticCropRows(config.crops(), BATCH, config.train().seed());
        long steps = (long) STEPS_PER_EPOCH * EPOCHS;
        List<LocalDinoLoop.StepMetrics> history = loop.run(data, steps, m -> {
            if (m.step() % 25 == 0 || m.step() == steps - 1) {
                System.out.printf("step %3d  epoch %d  loss %.4f  teacher entropy %.3f (ln K %.3f)  lr %.2e  momentum %.4f%n",
                        m.step(), m.epoch(), m.loss(), m.teacherEntropy(), Math.log(K), m.lr(), m.teacherMomentum());
            }
        });
        double firstLoss = mean(history.subList(0, 25), LocalDinoLoop.StepMetrics::loss);
        double lastLoss = mean(history.subList(history.size() - 25, history.size()), LocalDinoLoop.StepMetrics::loss);
        assertTrue(lastLoss < firstLoss - 0.1, "loss did not fall: " + firstLoss + " -> " + lastLoss);
        for (LocalDinoLoop.StepMetrics m : history.subList(STEPS_PER_EPOCH, history.size())) {
            assertTrue(m.teacherEntropy() > 0.1 && m.teacherEntropy() < Math.log(K) - 0.1,
                    "teacher entropy " + m.teacherEntropy() + " at step " + m.step() + " is near collapse (0 or ln K = " + Math.log(K) + ")");
        }
    }

    private static double mean(List<LocalDinoLoop.StepMetrics> steps, java.util.function.ToDoubleFunction<LocalDinoLoop.StepMetrics> f) {
        return steps.stream().mapToDouble(f).average().orElseThrow();
    }

    @Test
    void aNonFiniteLossStopsTheStepBeforeTheTeacher() {
        DinoConfig config = config();
        LocalDinoLoop loop = new LocalDinoLoop(config, STEPS_PER_EPOCH);
        CropLayout layout = new CropLayout(16, 8);
        var teacherBefore = loop.teacherParams().dup();
        var rows = Nd4j.valueArrayOf(new long[] {BATCH, layout.rowWidth(2)}, Double.NaN, DataType.FLOAT);
        NonFiniteLossException e = assertThrows(NonFiniteLossException.class, () -> loop.step(0, rows));
        assertTrue(e.getMessage().contains("step 0"), e.getMessage());
        assertEquals(teacherBefore, loop.teacherParams());
    }
}
