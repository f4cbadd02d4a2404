package io.dinospark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dinospark.TestConfigs;
import io.dinospark.config.DinoConfig;
import io.dinospark.engine.Engine;
import io.dinospark.interop.WeightsExport;
import io.dinospark.model.DinoNetwork;
import io.dinospark.model.ParameterLayout;

/** train.init_weights: a new run's student starts from a file's backbone (and head), or refuses a file that does not fit. */
class StartingStudentTest {

    @TempDir
    java.nio.file.Path dir;

    private static DinoConfig withInitWeights(DinoConfig c, String file) {
        return TestConfigs.withTrain(c, c.train().withInitWeights(file));
    }

    private static float[] params(DinoConfig config) {
        return Engine.of(config).initialStudent(config).params().toFloatVector();
    }

    private String export(DinoConfig config, boolean withHead) throws IOException {
        Path file = new Path(dir.resolve((withHead ? "head" : "backbone") + ".safetensors").toString());
        WeightsExport.write(FileSystem.getLocal(new Configuration()), file,
                WeightsExport.tensors(config, params(config), withHead), WeightsExport.metadata(config, 0, "teacher"));
        return file.toString();
    }

    @Test
    void aRunStartsFromTheFilesBackboneAndHead() throws IOException {
        DinoConfig config = TestConfigs.tinyVit(2, 0.1, false);
        DinoConfig other = TestConfigs.withSeed(config, 5);
        float[] seeded = params(config);
        float[] theirs = params(other);
        int backbone = (int) ParameterLayout.of(config).layer(DinoNetwork.BACKBONE).stream()
                .mapToLong(ParameterLayout.Entry::length).sum();

        float[] withHead = StartingStudent.of(Engine.of(config), withInitWeights(config, export(other, true)),
                new Configuration()).params().toFloatVector();
        assertArrayEquals(theirs, withHead, "backbone and head are the file's");

        float[] backboneOnly = StartingStudent.of(Engine.of(config), withInitWeights(config, export(other, false)),
                new Configuration()).params().toFloatVector();
        assertArrayEquals(Arrays.copyOf(theirs, backbone), Arrays.copyOf(backboneOnly, backbone), "the file's backbone");
        assertArrayEquals(Arrays.copyOfRange(seeded, backbone, seeded.length),
                Arrays.copyOfRange(backboneOnly, backbone, seeded.length), "the run's own seeded head");

        assertArrayEquals(seeded, StartingStudent.of(Engine.of(config), config, new Configuration()).params().toFloatVector(),
                "no init_weights: the seeded initialisation");
    }

    @Test
    void aFileOfAnotherArchitectureIsAnErrorNamingTheKey() throws IOException {
        DinoConfig config = TestConfigs.tinyVit(2, 0.1, false);
        String conv = export(TestConfigs.tinyConv(2), false);
        String message = assertThrows(IllegalArgumentException.class,
                () -> StartingStudent.of(Engine.of(config), withInitWeights(config, conv), new Configuration())).getMessage();
        assertTrue(message.startsWith("train.init_weights = " + conv + ": "), message);
        assertTrue(message.contains("unknown names [conv.0.bias, conv.0.weight, conv.1.bias, conv.1.weight]"), message);
        assertTrue(message.contains("missing [cls_token [1, 1, 24]"), message);
    }
}
