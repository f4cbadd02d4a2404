package io.dinospark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import io.dinospark.TestConfigs;
import io.dinospark.config.ConfigLoader;
import io.dinospark.config.DinoConfig;
import io.dinospark.engine.Engine;
import io.dinospark.engine.StudentState;
import io.dinospark.eval.TrainedRun;
import io.dinospark.train.Checkpoints;

/**
 * {@code export} writes a checkpoint's teacher (or student) backbone, which {@code --weights} reads back (the attention
 * maps included).
 */
class ExportCommandTest {

    @TempDir
    java.nio.file.Path dir;

    @Test
    void exportWritesTheTeacherAndTheStudentUnderTheirStep() throws Exception {
        DinoConfig config = TestConfigs.tinyVit(2, 0.1, true);
        StudentState student = Engine.of(config).initialStudent(config);
        var teacher = student.params().mul(2);
        String run = dir.resolve("run").toString();
        new Checkpoints(new Path(run), new Configuration(), 3).save(new Checkpoints.State(9, student, teacher,
                Nd4j.zeros(DataType.FLOAT, 1, config.model().outDim()), ConfigLoader.render(config)));
        TrainedRun t = TrainedRun.imported(export(run, "t.safetensors"), 16, new Configuration());
        int backbone = (int) t.teacherParams().length();
        assertEquals(9, t.step());
        assertArrayEquals(Arrays.copyOf(teacher.toFloatVector(), backbone), t.teacherParams().toFloatVector());
        TrainedRun s = TrainedRun.imported(export(run, "s.safetensors", "--student"), 16, new Configuration());
        assertArrayEquals(Arrays.copyOf(student.params().toFloatVector(), backbone), s.teacherParams().toFloatVector());
        exits(2, "--out is required", "export", "--run", run);
        String[] existing = Commands.run("export", "--run", run, "--out", dir.resolve("t.safetensors").toString());
        assertTrue(!existing[0].equals("0"), "an existing file is not overwritten: " + existing[1]);
    }

    @Test
    void attentionOfAnExportedFileEqualsTheRunsOwn() throws Exception {
        DinoConfig config = TestConfigs.withEngine(TestConfigs.tinyVit(2, 0.1, true), "torch");
        StudentState student = Engine.of(config).initialStudent(config);
        Nd4j.getRandom().setSeed(3);
        var teacher = student.params().add(Nd4j.randn(DataType.FLOAT, student.params().shape()).muli(0.3));
        String run = dir.resolve("run").toString();
        new Checkpoints(new Path(run), new Configuration(), 3).save(new Checkpoints.State(4, student, teacher,
                Nd4j.zeros(DataType.FLOAT, 1, config.model().outDim()), ConfigLoader.render(config)));
        String weights = export(run, "t.safetensors");
        java.nio.file.Path images = java.nio.file.Files.createDirectories(dir.resolve("images/shirt"));
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 2; i++) {
            java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(24, 20, java.awt.image.BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 20; y++) {
                for (int x = 0; x < 24; x++) {
                    image.setRGB(x, y, random.nextInt(0xffffff));
                }
            }
            javax.imageio.ImageIO.write(image, "png", images.resolve(i + ".png").toFile());
        }
        String data = dir.resolve("images").toString();
        String ofRun = dir.resolve("of-run").toString();
        String ofFile = dir.resolve("of-file").toString();
        exits(0, "attention of the run", "attention", "--run", run, "--data", data, "--out", ofRun);
        exits(0, "attention of the file", "attention", "--weights", weights, "--image-size", "16", "--data", data,
                "--out", ofFile);
        for (String image : new String[] {"00-shirt-0", "01-shirt-1"}) {
            java.nio.file.Path values = java.nio.file.Path.of(ofRun, image, io.dinospark.attention.AttentionPngs.VALUES);
            assertEquals(java.nio.file.Files.readString(values),
                    java.nio.file.Files.readString(java.nio.file.Path.of(ofFile, image, io.dinospark.attention.AttentionPngs.VALUES)), image);
        }
        exits(2, "--weights needs --out", "attention", "--weights", weights, "--data", data);
        exits(2, "a file has no student", "attention", "--weights", weights, "--student", "--data", data, "--out", ofFile);
        exits(2, "a run is drawn at its own size", "attention", "--run", run, "--image-size", "32", "--data", data);
    }

    private String export(String run, String name, String... more) {
        String out = dir.resolve(name).toString();
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("export", "--run", run, "--out", out));
        args.addAll(java.util.List.of(more));
        exits(0, "export to " + name, args.toArray(String[]::new));
        return out;
    }

    /** Asserts that {@code dino-spark args...} exits with {@code code}; the message carries its standard error. */
    private static void exits(int code, String message, String... args) {
        String[] result = Commands.run(args);
        assertEquals(String.valueOf(code), result[0], message + "; stderr: " + result[1]);
    }
}
