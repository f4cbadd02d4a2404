package io.dinospark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.nio.file.Path;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.dinospark.TestConfigs;
import io.dinospark.config.ConfigLoader;
import io.dinospark.config.DinoConfig;
import io.dinospark.model.DinoNetwork;
import io.dinospark.teacher.Center;
import io.dinospark.train.Checkpoints;

/** Evaluation reads a run's newest checkpoint: its teacher and configuration; without one, the error says so. */
class TrainedRunTest {

    @TempDir
    Path dir;

    @Test
    void loadsTheNewestCheckpointsTeacherAndConfiguration() throws Exception {
        DinoConfig config = TestConfigs.tinyVit(2, 0.1, true);
        var student = DinoNetwork.create(config);
        Checkpoints checkpoints = new Checkpoints(new org.apache.hadoop.fs.Path(dir.toString()), new Configuration(), 2);
        INDArray center = Center.zeros(config.model().outDim()).value();
        checkpoints.save(new Checkpoints.State(3, TestConfigs.state(student), student.params().mul(2), center,
                ConfigLoader.render(config)));
        checkpoints.save(new Checkpoints.State(7, TestConfigs.state(student), student.params().mul(3), center,
                ConfigLoader.render(config)));
        TrainedRun run = TrainedRun.load(dir.toString(), new Configuration());
        assertEquals(7, run.step());
        assertEquals(config, run.config());
        assertEquals(student.params().mul(3), run.teacherParams());
        assertEquals(dir.resolve("val").toString(), run.images(dir.resolve("val").toString()).root());
        assertEquals(config.data().root(), run.images(null).root());
    }

    @Test
    void aRunWithoutCheckpointIsAnErrorNamingIt() {
        FileNotFoundException e = assertThrows(FileNotFoundException.class,
                () -> TrainedRun.load(dir.resolve("empty-run").toString(), new Configuration()));
        assertTrue(e.getMessage().startsWith("no checkpoint in "), e.getMessage());
        assertTrue(e.getMessage().contains("empty-run"), e.getMessage());
    }
}
