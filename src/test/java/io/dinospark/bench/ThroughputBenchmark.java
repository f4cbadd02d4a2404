package io.dinospark.bench;

import java.util.List;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import io.dinospark.TestConfigs;
import io.dinospark.config.Arch;
import io.dinospark.config.DinoConfig;
import io.dinospark.config.ModelConfig;
import io.dinospark.model.CropLayout;
import io.dinospark.model.DinoNetwork;
import io.dinospark.teacher.Center;
import io.dinospark.teacher.TeacherTargets;

/**
 * Student forward+backward throughput against the machine's matrix-multiply rate, side by side in one run.
 * Not a test: {@code mvn test -Dtest=ThroughputBenchmark -Dtest.tags.excluded=none}.
 */
@Tag("benchmark")
class ThroughputBenchmark {

    @Test
    void studentThroughputAgainstMatmul() {
        double gemm = matmulGflops(1024, 20);
        System.out.printf("ND4J float matmul 1024x1024: %.1f GFLOP/s%n", gemm);

        // The CPU-sized ViT of REFERENCE.md's measurements: width 96, depth 4, 3 heads, patch 4, 2x28 + 4x16 px.
        ModelConfig cpu = new ModelConfig(Arch.VIT, 4, 96, 4, 3, 4.0, true, 0.1, List.of(8), 4096, 512, 256, false, true);
        report("CPU ViT (96 wide, depth 4, patch 4; 2x28 + 4x16 px, K 4096)", TestConfigs.withModel(cpu, 4, 28, 16), 64, gemm);

        ModelConfig small = new ModelConfig(Arch.VIT_SMALL, 16, 384, 12, 6, 4.0, true, 0.1, List.of(8), 65536, 2048, 256, false, true);
        report("ViT-S/16 (2x224 + 8x96 px, K 65536)", TestConfigs.withModel(small, 8, 224, 96), 4, gemm);
        System.out.printf("ND4J float matmul 1024x1024 again: %.1f GFLOP/s%n", matmulGflops(1024, 20));
    }

    private static double matmulGflops(int n, int repeats) {
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        for (int i = 0; i < 3; i++) {
            a.mmuli(b, c);
        }
        long start = System.nanoTime();
        for (int i = 0; i < repeats; i++) {
            a.mmuli(b, c);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return 2.0 * n * n * n * repeats / seconds / 1e9;
    }

    private static void report(String name, DinoConfig config, int batch, double gemm) {
        MultiLayerNetwork student = DinoNetwork.create(config);
        int local = config.crops().localNumber();
        CropLayout layout = new CropLayout(config.crops().globalSize(), config.crops().localSize());
        int k = config.model().outDim();
        INDArray rows = Nd4j.rand(DataType.FLOAT, batch, layout.rowWidth(local));
        INDArray targets = TeacherTargets.probabilities(Nd4j.randn(DataType.FLOAT, batch, 2L * k), Center.zeros(k).value(), 0.04);
        DataSet data = new DataSet(rows, targets);
        student.fit(data); // builds the graphs
        student.fit(data);
        int steps = 3;
        long start = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            student.fit(data);
        }
        double seconds = (System.nanoTime() - start) / 1e9 / steps;
        int crops = batch * (2 + local);
        double trainFlops = 3 * forwardFlops(config, batch); // backward ~ 2x forward
        System.out.printf("%s: batch %d images = %d crops, %.2f s/step, %.1f crops/s, %.1f images/s;"
                        + " model arithmetic %.1f GFLOP/s (fwd+bwd = 3x forward) = %.0f%% of matmul%n",
                name, batch, crops, seconds, crops / seconds, batch / seconds, trainFlops / seconds / 1e9,
                100 * trainFlops / seconds / 1e9 / gemm);
    }

    /** Multiply-adds x 2 of the backbone's and head's matrix products for one minibatch, forward only. */
    static double forwardFlops(DinoConfig config, int batch) {
        ModelConfig m = config.model();
        double flops = 0;
        int[] sizes = {config.crops().globalSize(), config.crops().localSize()};
        int[] counts = {2, config.crops().localNumber()};
        for (int g = 0; g < 2; g++) {
            double tokens = 1 + Math.pow(sizes[g] / (double) m.patchSize(), 2);
            double d = m.embedDim();
            double perBlock = tokens * (3 * d * d + d * d + 2 * d * d * m.mlpRatio()) + 2 * tokens * tokens * d;
            double patch = (tokens - 1) * 3 * m.patchSize() * m.patchSize() * d;
            flops += 2 * counts[g] * (m.depth() * perBlock + patch);
        }
        double views = 2 + config.crops().localNumber();
        double head = m.embedDim() * m.headHiddenDim() + (double) m.headHiddenDim() * m.headHiddenDim()
                + (double) m.headHiddenDim() * m.headBottleneckDim() + (double) m.headBottleneckDim() * m.outDim();
        flops += 2 * views * head;
        return flops * batch;
    }
}
