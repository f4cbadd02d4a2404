package io.dinospark.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
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
import io.dinospark.engine.Engine;
import io.dinospark.engine.FeatureKind;
import io.dinospark.engine.FeatureNetwork;
import io.dinospark.eval.FeatureModel;
import io.dinospark.model.DinoNetwork;
import io.dinospark.model.ParameterLayout;

/**
 * The torch engine's evaluation features against the reference's code run in PyTorch
 * ({@code src/test/python/retrieval_features.py}: {@code utils.multi_scale} and {@code eval_copy_detection.py}'s
 * CLS+GeM, as the authors wrote them, on the authors' ViT and on this project's convnet written in PyTorch), for the
 * same parameters and images: CLS and CLS+GeM, each at one scale and multiscale. The ViT is trained at 24 px, so its
 * multiscale views (24, 16, 12 px) read position embeddings resampled to 4x4 and 3x3 grids; the convnet at 28 px (the
 * CPU preset's), whose 19 px view is not a multiple of its stride.
 */
class ReferenceRetrievalFeaturesTest {

    private static final double TOLERANCE = 1e-5;
    private static final FeatureKind CLS_GEM = new FeatureKind(FeatureKind.Descriptor.CLS_GEM, false);

    @TempDir
    java.nio.file.Path dir;

    @BeforeAll
    static void needsPyTorch() {
        assumeTrue(PythonTorch.missing() == null, PythonTorch.missing());
    }

    private Path file(String name) {
        return new Path(dir.resolve(name).toString());
    }

    private static FileSystem local() throws IOException {
        return FileSystem.getLocal(new Configuration());
    }

    /** Parameters a little away from the initial ones, so that no part of the network is at a special value. */
    private static float[] perturbed(DinoConfig config) {
        float[] params = WeightsRoundTripTest.initialParams(config);
        Random random = new Random(5);
        for (int i = 0; i < params.length; i++) {
            params[i] += (float) (0.05 * random.nextGaussian());
        }
        return params;
    }

    private static void write(Path file, Map<String, SafeTensors.Tensor> tensors) throws IOException {
        try (OutputStream out = local().create(file)) {
            SafeTensors.write(out, tensors, Map.of());
        }
    }

    private static float[] images(int n, int size) {
        Random random = new Random(3);
        float[] values = new float[n * 3 * size * size];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    private Map<String, float[]> reference(String kind, Path weights, float[] images, int n, int size) throws Exception {
        Path in = file("images.safetensors");
        Path out = file("out.safetensors");
        write(in, Map.of("images", new SafeTensors.Tensor(new long[] {n, 3, size, size}, images)));
        PythonTorch.script("src/test/python/retrieval_features.py", kind, weights.toString(), in.toString(),
                out.toString());
        Map<String, float[]> result = new LinkedHashMap<>();
        SafeTensors.read(local(), out).tensors().forEach((name, t) -> result.put(name, t.values()));
        return result;
    }

    /** Every kind through the engine boundary, as the executors compute it, against the reference's. */
    private static void assertSameAsReference(Map<String, float[]> theirs, DinoConfig config, float[] params,
            float[] images, int n, int featureDim) {
        FeatureModel model = FeatureModel.backbone("t", config, Nd4j.create(params, new long[] {1, params.length}), 1);
        INDArray views = Nd4j.create(images, new long[] {n, images.length / n}, DataType.FLOAT);
        Map<String, FeatureKind> kinds = Map.of("cls", FeatureKind.CLS,
                "cls_multiscale", new FeatureKind(FeatureKind.Descriptor.CLS, true),
                "clsgem", CLS_GEM,
                "clsgem_multiscale", new FeatureKind(FeatureKind.Descriptor.CLS_GEM, true));
        try (FeatureNetwork network = Engine.of(config).features(config, model.params(), 1)) {
            for (var e : kinds.entrySet()) {
                INDArray ours = network.features(views, e.getValue());
                int width = e.getValue().descriptor() == FeatureKind.Descriptor.CLS_GEM ? 2 * featureDim : featureDim;
                assertEquals(width, ours.columns(), e.getKey() + ": width");
                Closeness.assertClose(e.getKey(), theirs.get(e.getKey()), ours.reshape(-1).toFloatVector(), TOLERANCE);
            }
        }
    }

    @Test
    void vitFeaturesAreTheReferencesAtEveryScale() throws Exception {
        DinoConfig config = TestConfigs.withEngine(
                TestConfigs.withModel(TestConfigs.tinyVit(2, 0.0, true).model(), 2, 24, 8), "torch");
        float[] params = perturbed(config);
        Path weights = file("vit.safetensors");
        WeightsExport.write(local(), weights, WeightsExport.tensors(config, params, false),
                WeightsExport.metadata(config, 1, "teacher"));
        float[] images = images(3, 24);
        assertSameAsReference(reference("vit", weights, images, 3, 24), config, params, images, 3, 24);
    }

    @Test
    void convFeaturesAreTheReferencesAtEveryScale() throws Exception {
        DinoConfig config = TestConfigs.withEngine(TestConfigs.withModel(TestConfigs.tinyConv(2).model(), 2, 28, 12), "torch");
        float[] params = perturbed(config);
        Map<String, SafeTensors.Tensor> kernels = new LinkedHashMap<>();
        for (ParameterLayout.Entry e : ParameterLayout.of(config).layer(DinoNetwork.BACKBONE)) {
            float[] values = Arrays.copyOfRange(params, Math.toIntExact(e.offset()),
                    Math.toIntExact(e.offset() + e.length()));
            kernels.put(e.name(), new SafeTensors.Tensor(e.shape(), values));
        }
        Path weights = file("conv.safetensors");
        write(weights, kernels);
        float[] images = images(4, 28);
        assertSameAsReference(reference("conv", weights, images, 4, 28), config, params, images, 4, 16);
    }
}
