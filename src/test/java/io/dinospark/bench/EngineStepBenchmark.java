package io.dinospark.bench;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.dinospark.PythonTorch;
import io.dinospark.TestConfigs;
import io.dinospark.config.DinoConfig;
import io.dinospark.engine.Engine;
import io.dinospark.engine.LocalStudent;
import io.dinospark.engine.torch.GpuStepBenchmark;

/**
 * The student step (forward, DINO loss, backward, clipping, AdamW) of both engines and of a plain PyTorch DINO
 * ({@code src/test/python/dino_student_step.py}, Debian's python3-torch), the same shapes side by side in one run.
 * Not a test: {@code mvn test -Dtest=EngineStepBenchmark -Dtest.tags.excluded=none}.
 */
@Tag("benchmark")
class EngineStepBenchmark {

    private static final int STEPS = 5;

    @Test
    void studentStepOfBothEnginesAgainstPyTorch() throws Exception {
        assumeTrue(PythonTorch.missing() == null, PythonTorch.missing());
        compare("cpu-vit", "CPU ViT (96 wide, depth 4, patch 4; 2x28 + 4x16 px, K 4096)", 64);
        compare("vit-small", "ViT-S/16 (2x224 + 8x96 px, K 65536)", 4);
    }

    /**
     * The DL4J engine at ND4J's own threading; the torch engine and PyTorch at 1 and at 2 intra-op threads each (on
     * this 2-vCPU machine one thread is the faster setting for both).
     */
    private static void compare(String shape, String name, int batch) throws Exception {
        DinoConfig config = GpuStepBenchmark.shape(shape);
        double dl4j = imagesPerSecond(TestConfigs.withEngine(config, "dl4j"), batch, 0);
        System.out.printf("%s, batch %d: DL4J engine %.2f images/s%n", name, batch, dl4j);
        for (int threads : new int[] {1, 2}) {
            double torch = imagesPerSecond(TestConfigs.withEngine(config, "torch"), batch, threads);
            double pytorch = pytorchImagesPerSecond(shape, batch, threads);
            System.out.printf("%s, batch %d, %d thread(s): torch engine %.2f images/s, PyTorch %.2f; torch engine /"
                    + " PyTorch %.2fx, DL4J engine / PyTorch %.2fx%n", name, batch, threads, torch, pytorch,
                    torch / pytorch, dl4j / pytorch);
        }
    }

    /** @param torchThreads libtorch's intra-op threads (0: leave them) */
    private static double imagesPerSecond(DinoConfig config, int batch, int torchThreads) {
        Engine engine = Engine.of(config);
        LocalStudent student = engine.localStudent(config, engine.initialStudent(config));
        if (torchThreads > 0) {
            org.bytedeco.pytorch.global.torch.set_num_threads(torchThreads); // the student loaded libtorch first
        }
        return GpuStepBenchmark.imagesPerSecond(student, GpuStepBenchmark.minibatch(config, batch), STEPS);
    }

    private static double pytorchImagesPerSecond(String shape, int batch, int threads) throws IOException {
        String out = PythonTorch.script(Map.of("PEER_THREADS", Integer.toString(threads)),
                "src/test/python/dino_student_step.py", shape, Integer.toString(batch), Integer.toString(STEPS));
        String last = out.strip().lines().reduce((a, b) -> b).orElseThrow();
        System.out.println("PyTorch peer: " + last);
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(last);
        return json.get("images_per_s").asDouble();
    }
}
