package io.dinospark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dinospark.LocalSpark;
import io.dinospark.TestConfigs;
import io.dinospark.config.DataConfig;
import io.dinospark.config.DinoConfig;
import io.dinospark.config.EvalConfig;
import io.dinospark.config.OptimConfig;
import io.dinospark.config.TrainConfig;
import io.dinospark.data.SyntheticImageSet;

/** With eval.knn_every = 2 the online k-NN's accuracy is in the first and every second step's metrics line, only there. */
class OnlineKnnTest {

    @TempDir
    Path dir;

    private DinoConfig config(String valRoot) throws IOException {
        new SyntheticImageSet(3, 1).write(dir.resolve("images").toString(), 8, 4, 0, false);
        DinoConfig c = TestConfigs.tinyVit(2, 0.1, true);
        return new DinoConfig(c.model(), c.crops(), c.dino(), new OptimConfig(5e-3, 1e-5, 1, 0.04, 0.4, 3.0, 1),
                new TrainConfig(2, 4, 42, 2, 1, 0, 2, "stop", "dl4j", ""), c.augment(),
                new DataConfig(dir.resolve("images/train").toString(), "imagenet", "image", "label", "path"),
                new EvalConfig(2, valRoot, 20, 9, 5));
    }

    @Test
    void knnAccuracyIsWrittenOnTheStepsItRuns() throws IOException {
        DinoConfig config = config(dir.resolve("images/val").toString());
        TrainingRun.run(LocalSpark.get(), config, dir.resolve("run").toString(), 4, report -> { });
        List<String> lines = Files.readAllLines(dir.resolve("run/metrics.jsonl"));
        assertEquals(4, lines.size());
        ObjectMapper json = new ObjectMapper();
        for (int step = 0; step < 4; step++) {
            JsonNode line = json.readTree(lines.get(step));
            boolean due = step == 0 || (step + 1) % 2 == 0;
            assertEquals(due, line.has("knnTop1"), lines.get(step));
            assertEquals(due, line.has("knnTop5"), lines.get(step));
            if (due) {
                double top1 = line.get("knnTop1").asDouble();
                assertTrue(top1 >= 0 && top1 <= 1 && line.get("knnTop5").asDouble() >= top1, lines.get(step));
            }
        }
    }

    @Test
    void aMissingValSetFailsBeforeTraining() throws IOException {
        DinoConfig config = config(dir.resolve("no-such-folder").toString());
        Exception e = assertThrows(IllegalArgumentException.class,
                () -> TrainingRun.run(LocalSpark.get(), config, dir.resolve("run").toString(), 4, report -> { }));
        assertTrue(e.getMessage().contains("no-such-folder"), e.getMessage());
        assertTrue(!Files.exists(dir.resolve("run/metrics.jsonl")));
    }
}
