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

/** {@code export} writes a checkpoint's teacher (or student) backbone, which {@code --weights} reads back. */
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
        assertEquals(2, DinoSpark.commandLine().execute("export", "--run", run), "--out is required");
        assertTrue(DinoSpark.commandLine().execute("export", "--run", run, "--out", dir.resolve("t.safetensors").toString()) != 0,
                "an existing file is not overwritten");
    }

    private String export(String run, String name, String... more) {
        String out = dir.resolve(name).toString();
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("export", "--run", run, "--out", out));
        args.addAll(java.util.List.of(more));
        assertEquals(0, DinoSpark.commandLine().execute(args.toArray(String[]::new)));
        return out;
    }
}
