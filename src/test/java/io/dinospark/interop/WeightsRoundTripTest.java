package io.dinospark.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.dinospark.TestConfigs;
import io.dinospark.config.DinoConfig;
import io.dinospark.engine.Engine;
import io.dinospark.eval.FeatureModel;
import io.dinospark.eval.TrainedRun;
import io.dinospark.model.DinoNetwork;
import io.dinospark.model.ParameterLayout;

/** Export, then import: the same parameters, the same features; and what import refuses. */
class WeightsRoundTripTest {

    @TempDir
    java.nio.file.Path dir;

    static float[] initialParams(DinoConfig config) {
        return Engine.of(config).initialStudent(config).params().toFloatVector();
    }

    static INDArray features(FeatureModel model, INDArray views) {
        try (var network = Engine.of(model.config()).features(model.config(), model.params(), model.blocks())) {
            return network.features(views);
        }
    }

    private Path write(Map<String, SafeTensors.Tensor> tensors, Map<String, String> metadata) throws IOException {
        Path file = new Path(dir.resolve("w" + System.nanoTime() + ".safetensors").toString());
        WeightsExport.write(FileSystem.getLocal(new Configuration()), file, tensors, metadata);
        return file;
    }

    private void assertRoundTrip(DinoConfig config) throws IOException {
        float[] params = initialParams(config);
        Path file = write(WeightsExport.tensors(config, params, false), WeightsExport.metadata(config, 7, "teacher"));
        TrainedRun imported = TrainedRun.imported(file.toString(), config.crops().globalSize(), new Configuration());
        assertEquals(7, imported.step());

        long backbone = ParameterLayout.of(config).layer(DinoNetwork.BACKBONE).stream()
                .mapToLong(ParameterLayout.Entry::length).sum();
        assertArrayEquals(Arrays.copyOf(params, (int) backbone), imported.teacherParams().toFloatVector(),
                "the imported backbone's parameters are the exported ones, bit for bit");

        Nd4j.getRandom().setSeed(3);
        int size = config.crops().globalSize();
        INDArray views = Nd4j.randn(DataType.FLOAT, 3, 3L * size * size);
        INDArray exported = features(FeatureModel.backbone("run", config, Nd4j.create(params), 1), views);
        INDArray back = features(imported.teacher(1), views);
        assertEquals(0, exported.sub(back).amaxNumber().doubleValue(), 0.0, "the same features, exactly");
    }

    @Test
    void aVitRoundTrips() throws IOException {
        assertRoundTrip(TestConfigs.withEngine(TestConfigs.tinyVit(2, 0.1, false), "torch"));
    }

    @Test
    void theConvnetRoundTrips() throws IOException {
        assertRoundTrip(TestConfigs.withEngine(TestConfigs.tinyConv(2), "torch"));
    }

    @Test
    void theHeadGoesBackIntoATrainingNetwork() throws IOException {
        DinoConfig config = TestConfigs.tinyVit(2, 0.1, false);
        float[] params = initialParams(config);
        Path file = write(WeightsExport.tensors(config, params, true), Map.of());
        float[] zero = new float[params.length];
        assertArrayEquals(params, ImportedWeights.read(FileSystem.getLocal(new Configuration()), file).intoNetwork(config, zero));
    }

    @Test
    void theUnitGainOfNormLastLayerIsWrittenAsTheAuthorsDoAndALearnedOneIsRefused() throws IOException {
        DinoConfig config = TestConfigs.tinyVit(2, 0.1, true);
        Map<String, SafeTensors.Tensor> tensors = WeightsExport.tensors(config, initialParams(config), true);
        SafeTensors.Tensor gain = tensors.get("head.last_layer.weight_g");
        assertArrayEquals(new long[] {20, 1}, gain.shape());
        gain.values()[3] = 0.5f;
        ImportedWeights w = ImportedWeights.read(FileSystem.getLocal(new Configuration()), write(tensors, Map.of()));
        String message = assertThrows(IllegalArgumentException.class,
                () -> w.intoNetwork(config, initialParams(config))).getMessage();
        assertTrue(message.contains("which model.norm_last_layer = true fixes to 1"), message);
    }

    @Test
    void theBatchNormHeadIsNotExported() {
        DinoConfig config = TestConfigs.tinyConv(2, true);
        String message = assertThrows(IllegalArgumentException.class,
                () -> WeightsExport.tensors(config, initialParams(config), true)).getMessage();
        assertTrue(message.contains("keeps no running statistics"), message);
    }

    @Test
    void unknownMissingAndMismatchedNamesAreErrorsThatNameThem() throws IOException {
        DinoConfig config = TestConfigs.tinyVit(2, 0.1, true);
        Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>(WeightsExport.tensors(config, initialParams(config), false));
        tensors.remove("blocks.1.norm2.bias");
        tensors.put("blocks.0.attn.extra", new SafeTensors.Tensor(new long[] {1}, new float[1]));
        tensors.put("norm.weight", new SafeTensors.Tensor(new long[] {25}, new float[25]));
        Path file = write(tensors, WeightsExport.metadata(config, 0, "teacher"));
        String message = assertThrows(IllegalArgumentException.class,
                () -> TrainedRun.imported(file.toString(), 16, new Configuration())).getMessage();
        assertTrue(message.contains("unknown names [blocks.0.attn.extra]"), message);
        assertTrue(message.contains("missing [blocks.1.norm2.bias [24]]"), message);
        assertTrue(message.contains("norm.weight is [25], needs [24]"), message);
    }

    @Test
    void aWidthWithoutPresetNeedsTheHeadCountInTheMetadata() throws IOException {
        DinoConfig config = TestConfigs.tinyVit(2, 0.1, true);
        Path file = write(WeightsExport.tensors(config, initialParams(config), false), Map.of());
        String message = assertThrows(IllegalArgumentException.class,
                () -> TrainedRun.imported(file.toString(), 16, new Configuration())).getMessage();
        assertTrue(message.contains("the shapes do not tell the number of heads"), message);
    }

    @Test
    void aFileOfNoKnownArchitectureIsRefused() throws IOException {
        Path file = write(Map.of("fc.weight", new SafeTensors.Tensor(new long[] {2, 2}, new float[4])), Map.of());
        String message = assertThrows(IllegalArgumentException.class,
                () -> TrainedRun.imported(file.toString(), 16, new Configuration())).getMessage();
        assertTrue(message.contains("neither a ViT under the authors' names (no cls_token)"), message);
    }
}
