package io.dinospark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dinospark.BrightnessClasses;
import io.dinospark.LocalSpark;
import io.dinospark.TestConfigs;
import io.dinospark.eval.EvalResults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** finetune end to end: a DL4J run's teacher and its random-init backbone fine-tuned, the result, the runs it leaves. */
class FinetuneCommandTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void writeRunAndImages() throws Exception {
        LocalSpark.get();
        BrightnessClasses.write(dir.resolve("images"), 3, 8, 4, 7);
        Commands.writeRun(dir.resolve("run"), TestConfigs.tinyConv(2), 5); // train.engine = dl4j
    }

    @Test
    void bothStartsAreFineTunedScoredAndLeaveRunsThatKnnReads() throws Exception {
        String out = dir.resolve("finetuned").toString();
        String[] result = Commands.run("finetune", "--run", dir.resolve("run").toString(), "--train",
                dir.resolve("images/train").toString(), "--val", dir.resolve("images/val").toString(), "--output", out,
                "train.epochs=2", "train.workers=2", "train.batch_size_per_worker=4");
        assertEquals("0", result[0], result[1]);
        EvalResults.Finetune written = new ObjectMapper().readValue(dir.resolve("run/eval/finetune.json").toFile(),
                EvalResults.Finetune.class);
        assertEquals(5, written.checkpointStep());
        assertEquals(List.of("teacher", "random-init"), written.rows().stream().map(EvalResults.FinetuneRow::start).toList());
        for (EvalResults.FinetuneRow row : written.rows()) {
            assertEquals(6, row.steps(), "2 epochs of 24 images in steps of 2 x 4");
            assertEquals(1.0, row.top5(), "3 classes");
            assertTrue(Files.exists(Path.of(row.directory(), "finetune.json")), row.directory());
        }
        String[] knn = Commands.run("knn", "--run", out + "/teacher", "--val", dir.resolve("images/val").toString(),
                "--train", dir.resolve("images/train").toString(), "--k", "3", "--no-baselines");
        assertEquals("0", knn[0], knn[1]);
    }

    @Test
    void anImportedVitFineTunesAsARunsTeacherAndItsBackboneExports() throws Exception {
        Path vitRun = dir.resolve("vit-run");
        Commands.writeRun(vitRun, TestConfigs.tinyVit(0, 0.0, true), 3);
        String weights = dir.resolve("vit.safetensors").toString();
        String[] exported = Commands.run("export", "--run", vitRun.toString(), "--out", weights);
        assertEquals("0", exported[0], exported[1]);
        String[] result = Commands.run("finetune", "--weights", weights, "--image-size", "16", "--train",
                dir.resolve("images/train").toString(), "--val", dir.resolve("images/val").toString(), "--output",
                dir.resolve("vit-finetuned").toString(), "--start", "teacher", "train.epochs=1", "train.workers=2",
                "train.batch_size_per_worker=4");
        assertEquals("0", result[0], result[1]);
        assertTrue(Files.exists(dir.resolve("vit-finetuned/teacher/checkpoints/step-0000000003")));

        // The fine-tuned backbone goes back out under the authors' names; its head is no DINO head.
        String fineTuned = dir.resolve("vit-finetuned/teacher").toString();
        String[] backbone = Commands.run("export", "--run", fineTuned, "--out", dir.resolve("vit-ft.safetensors").toString());
        assertEquals("0", backbone[0], backbone[1]);
        String[] head = Commands.run("export", "--run", fineTuned, "--with-head", "--out",
                dir.resolve("vit-ft-head.safetensors").toString());
        assertEquals("1", head[0]);
        assertTrue(head[1].contains("is a fine-tuned classifier: its head is a linear layer to 3 classes"), head[1]);
    }

    @Test
    void rawPixelsHaveNoBackboneToFineTune() {
        String[] result = Commands.run("finetune", "--run", dir.resolve("run").toString(), "--train",
                dir.resolve("images/train").toString(), "--val", dir.resolve("images/val").toString(), "--output",
                dir.resolve("pixels").toString(), "--start", "raw-pixels");
        assertEquals("1", result[0]);
        assertTrue(result[1].contains("--start raw-pixels has no backbone to fine-tune"), result[1]);
    }
}
