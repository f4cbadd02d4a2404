package io.dinospark.engine.torch;

import java.util.List;
import java.util.Locale;

import org.bytedeco.pytorch.global.torch;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.dinospark.TestConfigs;
import io.dinospark.config.Arch;
import io.dinospark.config.DinoConfig;
import io.dinospark.config.ModelConfig;
import io.dinospark.engine.LocalStudent;
import io.dinospark.engine.Minibatch;
import io.dinospark.engine.StepSettings;
import io.dinospark.engine.StudentState;
import io.dinospark.model.CropLayout;
import io.dinospark.teacher.Center;
import io.dinospark.teacher.TeacherTargets;

/**
 * The torch engine's student step on one device, for {@code submit/gpu-bench/run-on-device.sh}: {@code speed} times
 * the step ({@link TorchStudent#fit}, inputs from host memory as in training) at doubling batches up to the largest
 * that fits or {@code max-batch}; {@code check} runs one step on the CPU and on the device from the same parameters
 * and inputs and compares the losses. One JSON line per result on standard output. Usage:
 * {@code GpuStepBenchmark speed|check DEVICE SHAPE MAX_BATCH STEPS} with SHAPE {@code vit-small} (ViT-S/16, 2x224 +
 * 8x96, K 65536) or {@code cpu-vit} (the CPU rehearsal's), the shapes of {@code dino_student_step.py}.
 */
public final class GpuStepBenchmark {

    /** Relative loss difference GPU vs CPU allowed: float32 sums in another order, other attention kernels. */
    static final double LOSS_TOLERANCE = 1e-4;

    private GpuStepBenchmark() {
    }

    public static void main(String[] args) {
        if (args.length != 5) {
            throw new IllegalArgumentException("usage: GpuStepBenchmark speed|check DEVICE SHAPE MAX_BATCH STEPS");
        }
        TorchDevice device = TorchDevice.of(args[1], "the benchmark's DEVICE argument");
        DinoConfig config = shape(args[2]);
        int maxBatch = Integer.parseInt(args[3]);
        int steps = Integer.parseInt(args[4]);
        switch (args[0]) {
            case "speed" -> speed(config, args[2], device, maxBatch, steps);
            case "check" -> check(config, args[2], device, maxBatch);
            default -> throw new IllegalArgumentException("mode must be speed or check, got " + args[0]);
        }
    }

    /**
     * The benchmarks' shapes, shared with {@code bench.EngineStepBenchmark}: {@code vit-small} (ViT-S/16, 2x224 +
     * 8x96 px, K 65536) or {@code cpu-vit} (96 wide, depth 4, patch 4; 2x28 + 4x16 px, K 4096).
     */
    public static DinoConfig shape(String name) {
        return switch (name) {
            case "vit-small" -> TestConfigs.withModel(new ModelConfig(Arch.VIT_SMALL, 16, 384, 12, 6, 4.0, true, 0.1,
                    List.of(8), 65536, 2048, 256, false, true), 8, 224, 96);
            case "cpu-vit" -> TestConfigs.withModel(new ModelConfig(Arch.VIT, 4, 96, 4, 3, 4.0, true, 0.1, List.of(8),
                    4096, 512, 256, false, true), 4, 28, 16);
            default -> throw new IllegalArgumentException("SHAPE must be vit-small or cpu-vit, got " + name);
        };
    }

    private static void speed(DinoConfig config, String shape, TorchDevice device, int maxBatch, int steps) {
        StudentState start = new TorchEngine().initialStudent(config);
        int largest = 0;
        double largestImagesPerS = 0;
        for (int batch = Math.min(16, maxBatch); batch <= maxBatch; batch *= 2) {
            Minibatch minibatch = minibatch(config, batch);
            TorchStudent student = new TorchStudent(config, device);
            try {
                student.load(start);
                double imagesPerS = imagesPerSecond(student, minibatch, device, steps);
                int views = 2 + config.crops().localNumber();
                print("{\"mode\": \"speed\", \"shape\": \"%s\", \"device\": \"%s\", \"batch\": %d, \"steps\": %d,"
                        + " \"images_per_s\": %.3f, \"crops_per_s\": %.3f}", shape, device, batch, steps, imagesPerS,
                        imagesPerS * views);
                largest = batch;
                largestImagesPerS = imagesPerS;
            } catch (RuntimeException e) {
                if (!String.valueOf(e.getMessage()).contains("out of memory")) {
                    throw e;
                }
                print("{\"mode\": \"speed\", \"device\": \"%s\", \"batch\": %d, \"out_of_memory\": true}", device, batch);
                break;
            } finally {
                student.close();
                if (device != TorchDevice.CPU) {
                    torch.emptyCache(); // the caching allocator's blocks, for the next batch
                }
            }
        }
        print("{\"mode\": \"largest\", \"shape\": \"%s\", \"device\": \"%s\", \"batch\": %d, \"images_per_s\": %.3f}",
                shape, device, largest, largestImagesPerS);
    }

    private static double imagesPerSecond(TorchStudent student, Minibatch minibatch, TorchDevice device, int steps) {
        return imagesPerSecond(student, minibatch, steps, () -> synchronize(device));
    }

    /** {@link #imagesPerSecond(LocalStudent, Minibatch, int, Runnable)} of a student on the CPU. */
    public static double imagesPerSecond(LocalStudent student, Minibatch minibatch, int steps) {
        return imagesPerSecond(student, minibatch, steps, () -> { });
    }

    /**
     * The student's step on {@code minibatch}, in images per second: two steps to warm up (graphs built, kernels
     * chosen, caches warm), then {@code steps} timed; {@code synchronize} waits for the device's queued work.
     */
    public static double imagesPerSecond(LocalStudent student, Minibatch minibatch, int steps, Runnable synchronize) {
        StepSettings settings = new StepSettings(0, 1e-4, 0.04, false);
        for (int i = 0; i < 2; i++) {
            student.fit(minibatch, settings, i);
        }
        synchronize.run();
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            student.fit(minibatch, settings, i);
        }
        synchronize.run();
        return minibatch.size() / ((System.nanoTime() - t0) / 1e9 / steps);
    }

    private static void synchronize(TorchDevice device) {
        if (device != TorchDevice.CPU) {
            torch.cuda_synchronize();
        }
    }

    /** One step from the same parameters and inputs on the CPU and on {@code device}: the losses must agree. */
    private static void check(DinoConfig config, String shape, TorchDevice device, int batch) {
        StudentState start = new TorchEngine().initialStudent(config);
        Minibatch minibatch = minibatch(config, batch);
        StepSettings settings = new StepSettings(0, 1e-4, 0.04, false);
        double cpu = oneStep(config, TorchDevice.CPU, start, minibatch, settings);
        double other = oneStep(config, device, start, minibatch, settings);
        double relative = Math.abs(other - cpu) / Math.abs(cpu);
        print("{\"mode\": \"check\", \"shape\": \"%s\", \"device\": \"%s\", \"batch\": %d, \"loss_cpu\": %.9f,"
                + " \"loss_device\": %.9f, \"relative_difference\": %.3e, \"tolerance\": %.0e, \"equal\": %b}", shape,
                device, batch, cpu, other, relative, LOSS_TOLERANCE, relative <= LOSS_TOLERANCE);
        if (!(relative <= LOSS_TOLERANCE)) {
            throw new IllegalStateException("the loss on " + device + " (" + other + ") differs from the CPU's (" + cpu
                    + ") by " + relative + " relative, over " + LOSS_TOLERANCE);
        }
    }

    private static double oneStep(DinoConfig config, TorchDevice device, StudentState start, Minibatch minibatch,
            StepSettings settings) {
        TorchStudent student = new TorchStudent(config, device);
        try {
            student.load(start);
            return student.fit(minibatch, settings, 7); // the same stochastic-depth draw on both devices
        } finally {
            student.close();
        }
    }

    /** Synthetic crops and teacher targets, seeded: the same for every device and engine. */
    public static Minibatch minibatch(DinoConfig config, int batch) {
        CropLayout layout = new CropLayout(config.crops().globalSize(), config.crops().localSize());
        int k = config.model().outDim();
        Nd4j.getRandom().setSeed(1);
        INDArray rows = Nd4j.randn(DataType.FLOAT, batch, layout.rowWidth(config.crops().localNumber()));
        INDArray targets = TeacherTargets.probabilities(Nd4j.randn(DataType.FLOAT, batch, 2L * k),
                Center.zeros(k).value(), 0.04);
        return new Minibatch(rows, targets);
    }

    private static void print(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }
}
