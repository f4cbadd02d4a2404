package io.dinospark.engine.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.dinospark.Closeness;
import org.bytedeco.pytorch.AbstractTensor;
import org.bytedeco.pytorch.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Moving arrays between the engines in tests, and comparing them at a stated tolerance. ND4J must not allocate
 * inside a {@code PointerScope} (its cached native buffers would be freed with the scope), so ND4J arrays are read
 * into {@link Floats} before a scope opens.
 */
final class Tensors {

    static {
        TorchNatives.load(); // before a test's first tensor: see TorchNatives
    }

    private Tensors() {
    }

    /** An array's shape and values as plain Java. */
    record Floats(long[] shape, float[] values) {

        /** Call outside any {@code PointerScope}. */
        static Floats of(INDArray array) {
            return new Floats(array.shape(), array.dup().reshape(-1).toFloatVector());
        }

        static Floats of(Tensor tensor) {
            return new Floats(tensor.shape(), Tensors.values(tensor));
        }

        /** A float32 tensor holding a copy; call inside a {@code PointerScope}. */
        Tensor tensor() {
            return AbstractTensor.create(values, shape);
        }
    }

    static float[] values(Tensor t) {
        float[] v = new float[Math.toIntExact(t.numel())];
        t.detach().contiguous().data_ptr_float().get(v);
        return v;
    }

    static void assertClose(String what, float[] expected, float[] actual, double rtol) {
        Closeness.assertClose(what, expected, actual, rtol);
    }

    static void assertClose(String what, Floats expected, Tensor actual, double rtol) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        assertClose(what, expected.values(), values(actual), rtol);
    }
}
