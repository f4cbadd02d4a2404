package io.dinospark.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AbstractTensor;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.dinospark.Closeness;
import io.dinospark.PythonTorch;
import io.dinospark.TestConfigs;
import io.dinospark.config.DinoConfig;
import io.dinospark.engine.torch.TorchDevice;
import io.dinospark.engine.torch.TorchDinoNetwork;
import io.dinospark.eval.TrainedRun;

/**
 * Against PyTorch (Debian's python3-torch): the authors' ViT and DINOHead, written for the test in their layout
 * ({@code src/test/python/authors_vit.py}, with a safetensors reader and writer of its own), load a file this project
 * exported and give its features and logits; and a file the script writes from its own random ViT gives the
 * script's features here.
 */
class AuthorsVitCrossCheckTest {

    private static final double TOLERANCE = 1e-5;

    @TempDir
    java.nio.file.Path dir;

    @BeforeAll
    static void needsPyTorch() {
        assumeTrue(PythonTorch.missing() == null, PythonTorch.missing());
    }

    private static FileSystem local() throws IOException {
        return FileSystem.getLocal(new Configuration());
    }

    private Path file(String name) {
        return new Path(dir.resolve(name).toString());
    }

    private static void python(Object... args) {
        PythonTorch.script("src/test/python/authors_vit.py",
                Arrays.stream(args).map(Object::toString).toArray(String[]::new));
    }

    /** Normalised-looking images {@code [n, 3, size, size]} written as "images", returned as rows. */
    private float[] images(Path file, int n, int size, long seed) throws IOException {
        Random random = new Random(seed);
        float[] values = new float[n * 3 * size * size];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        try (OutputStream out = local().create(file)) {
            SafeTensors.write(out, Map.of("images", new SafeTensors.Tensor(new long[] {n, 3, size, size}, values)), Map.of());
        }
        return values;
    }

    private static float[] features(TrainedRun run, float[] images, int n) {
        INDArray views = Nd4j.create(images, new long[] {n, images.length / n}, DataType.FLOAT);
        var model = run.teacher(1);
        try (var network = io.dinospark.engine.Engine.of(model.config()).features(model.config(), model.params(), 1)) {
            return network.features(views).reshape(-1).toFloatVector();
        }
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        Closeness.assertClose(what, expected, actual, TOLERANCE);
    }

    /** A tiny ViT (width 24, 3 heads, patch 4, 16 px) with a learned last-layer gain, every parameter perturbed. */
    private static float[] perturbedParams(DinoConfig config) {
        float[] params = WeightsRoundTripTest.initialParams(config);
        Random random = new Random(11);
        for (int i = 0; i < params.length; i++) {
            params[i] += (float) (0.05 * random.nextGaussian());
        }
        return params;
    }

    @Test
    void pytorchLoadsAnExportAndGivesItsFeaturesAndLogits() throws Exception {
        DinoConfig config = TestConfigs.withEngine(TestConfigs.tinyVit(2, 0.1, false), "torch");
        float[] params = perturbedParams(config);
        Path weights = file("export.safetensors");
        WeightsExport.write(local(), weights, WeightsExport.tensors(config, params, true),
                WeightsExport.metadata(config, 5, "teacher"));
        Path images = file("images.safetensors");
        float[] views = images(images, 4, 16, 1);
        Path out = file("features.safetensors");
        python("features", weights, images, out);
        SafeTensors.Contents theirs = SafeTensors.read(local(), out);

        TrainedRun imported = TrainedRun.imported(weights.toString(), 16, new Configuration());
        assertClose(theirs.tensors().get("features").values(), features(imported, views, 4), "CLS features at 16 px");

        float[] logits;
        try (TorchDinoNetwork network = new TorchDinoNetwork(config, TorchDevice.CPU)) {
            network.load(params);
            try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
                Tensor rows = AbstractTensor.create(views).view(4, 3 * 16 * 16);
                Tensor result = network.logits(rows, null).contiguous();
                logits = new float[(int) result.numel()];
                result.data_ptr_float().get(logits);
            }
        }
        assertClose(theirs.tensors().get("logits").values(), logits, "DINO head logits");

        // At 24 px the position embeddings (a 4x4 grid) are resampled to 6x6, as interpolate_pos_encoding does.
        Path larger = file("images24.safetensors");
        float[] views24 = images(larger, 3, 24, 2);
        Path out24 = file("features24.safetensors");
        python("features", weights, larger, out24);
        assertClose(SafeTensors.read(local(), out24).tensors().get("features").values(),
                features(TrainedRun.imported(weights.toString(), 24, new Configuration()), views24, 3),
                "CLS features at 24 px (positions interpolated)");
    }

    @Test
    void aRandomVitWrittenByPytorchGivesItsFeaturesHere() throws Exception {
        // Width 192 (the authors' ViT-T) and no metadata: the head count comes from the preset.
        Path weights = file("theirs.safetensors");
        Path images = file("images.safetensors");
        float[] views = images(images, 3, 32, 3);
        Path out = file("features.safetensors");
        python("random", weights, images, out, 192, 2, 3, 8, 4, 0);
        TrainedRun imported = TrainedRun.imported(weights.toString(), 32, new Configuration());
        assertEquals(192, imported.config().model().embedDim());
        assertEquals(3, imported.config().model().numHeads());
        assertEquals(8, imported.config().model().patchSize());
        assertClose(SafeTensors.read(local(), out).tensors().get("features").values(), features(imported, views, 3),
                "CLS features of PyTorch's random ViT");
    }
}
