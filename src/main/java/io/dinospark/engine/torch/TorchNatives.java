package io.dinospark.engine.torch;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;

/**
 * libtorch's native libraries, extracted to JavaCPP's cache as a whole before the first one is loaded. Left to
 * itself, JavaCPP extracts and loads them one by one, so on an empty cache {@code libtorch.so} is loaded before
 * {@code libtorch_cpu.so} sits beside it, and the dynamic linker takes any other {@code libtorch_cpu.so} on the
 * system's path instead (Debian's python3-torch installs one): a crash inside the linker.
 */
final class TorchNatives {

    private static boolean loaded;

    private TorchNatives() {
    }

    static synchronized void load() {
        if (loaded) {
            return;
        }
        try {
            Loader.cacheResources(torch.class, "/org/bytedeco/pytorch/" + Loader.getPlatform() + "/");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract libtorch's native libraries to JavaCPP's cache"
                    + " (~/.javacpp/cache unless -Dorg.bytedeco.javacpp.cachedir moves it)", e);
        }
        Loader.load(torch.class);
        loaded = true;
    }
}
