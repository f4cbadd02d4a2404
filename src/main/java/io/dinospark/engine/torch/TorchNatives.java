package io.dinospark.engine.torch;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;

/**
 * libtorch's native libraries, extracted to JavaCPP's cache as a whole before the first one is loaded. Left to
 * itself, JavaCPP extracts and loads them one by one, so on an empty cache {@code libtorch.so} is loaded before
 * {@code libtorch_cpu.so} sits beside it, and the dynamic linker takes any other {@code libtorch_cpu.so} on the
 * system's path instead (Debian's python3-torch installs one): a crash inside the linker. The jar carries one of two
 * builds, the CPU one ({@code linux-x86_64}) or, with the {@code torch-gpu} profile, the CUDA 13 one
 * ({@code linux-x86_64-gpu}), whose CUDA part needs the node's CUDA libraries.
 */
final class TorchNatives {

    /** What libtorch's CUDA build links and the JavaCPP jars leave to the node (README, "GPU executors"). */
    static final String CUDA_LIBRARIES = "CUDA 13's runtime libraries (libcudart.so.13, cuBLAS and cuBLASLt .so.13,"
            + " cuFFT, cuRAND, cuSPARSE, cuSOLVER, cuFile), cuDNN 9 (libcudnn*.so.9) and NCCL (libnccl.so.2)";
    private static final String BASE = "/org/bytedeco/pytorch/";
    private static final String GPU_BUILD = "-gpu";
    private static final String CUDA_PART = "libtorch_cuda.so";

    private static boolean loaded;

    private TorchNatives() {
    }

    static synchronized void load() {
        if (loaded) {
            return;
        }
        File folder;
        try {
            folder = Loader.cacheResources(torch.class, nativesFolder())[0];
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract libtorch's native libraries to JavaCPP's cache"
                    + " (~/.javacpp/cache unless -Dorg.bytedeco.javacpp.cachedir moves it)", e);
        }
        if (isGpuBuild()) {
            // libtorch.so needs libtorch_cuda.so: loaded first, so that a missing CUDA library is named here rather
            // than the linker falling back to another libtorch on the system's path (a crash, as above).
            try {
                System.load(new File(folder, CUDA_PART).getAbsolutePath());
            } catch (UnsatisfiedLinkError e) {
                throw new IllegalStateException("libtorch's CUDA 13 build (the -Ptorch-gpu jar) does not load: "
                        + e.getMessage() + ". It needs " + CUDA_LIBRARIES + " on LD_LIBRARY_PATH (README, \"GPU"
                        + " executors\")", e);
            }
        }
        Loader.load(torch.class);
        loaded = true;
    }

    /** Whether the jar carries libtorch's CUDA 13 build (the {@code torch-gpu} profile); loads nothing. */
    static boolean isGpuBuild() {
        return torch.class.getResource(BASE + Loader.getPlatform() + GPU_BUILD + "/" + CUDA_PART) != null;
    }

    private static String nativesFolder() {
        return BASE + Loader.getPlatform() + (isGpuBuild() ? GPU_BUILD : "") + "/";
    }

    /** Why libtorch, loaded, sees no CUDA device: the build, or the driver. */
    static String cudaDiagnosis() {
        if (!isGpuBuild()) {
            return "The jar carries libtorch's CPU build (org.bytedeco:pytorch:*:" + Loader.getPlatform() + "): build it"
                    + " with mvn -Ptorch-gpu for GPUs.";
        }
        return "libtorch's CUDA 13 build and its libraries load, so the NVIDIA driver shows this process no GPU: check"
                + " libcuda.so.1 (a driver for CUDA 13, 580 or newer), CUDA_VISIBLE_DEVICES and the container's GPU runtime"
                + " (nvidia-smi in the same container).";
    }
}
