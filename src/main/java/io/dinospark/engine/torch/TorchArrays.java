package io.dinospark.engine.torch;

import java.util.function.UnaryOperator;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AbstractTensor;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Copies between the project's arrays (ND4J) and libtorch tensors, through Java float arrays, float32, row-major:
 * tensors are made on a {@link TorchDevice} and their values come back to the CPU's memory. On the CPU neither way
 * adds a copy ({@code to} and {@code cpu} return the tensor itself).
 * ND4J's buffers are JavaCPP pointers too, so an ND4J call inside a {@code PointerScope} would hand its arrays, and
 * the shape buffers ND4J caches for later arrays, to the scope to free: ND4J arrays are read before a scope opens
 * ({@link #floats}) and made after it closes ({@link #array}); only {@link #tensor} and {@link #values} run inside.
 */
final class TorchArrays {

    static {
        TorchNatives.load();
    }

    private TorchArrays() {
    }

    /** The values of {@code array}, row-major, as a new Java array. Outside any {@code PointerScope}. */
    static float[] floats(INDArray array) {
        INDArray floats = array.castTo(DataType.FLOAT);
        // A whole row-major array's buffer is its values; a view (rows of a step, say) is made dense first.
        return (floats.isView() || floats.ordering() != 'c' ? floats.dup('c') : floats).data().asFloat();
    }

    /** An array of {@code values} with {@code shape}. Outside any {@code PointerScope}. */
    static INDArray array(float[] values, long... shape) {
        return Nd4j.create(values, shape, DataType.FLOAT);
    }

    /** {@code values} as a one-dimensional array. Outside any {@code PointerScope}. */
    static INDArray vector(float[] values) {
        return array(values, values.length);
    }

    /**
     * {@code f} applied to {@code input} (on {@code device}) in libtorch's inference mode (no gradients, no autograd
     * bookkeeping), with {@link TorchExecutor#useThreads}, its tensors freed when it returns: the result's values as
     * rows, {@code [B, n / B]} for an input of {@code B} rows. Outside any {@code PointerScope}.
     */
    static INDArray inferRows(INDArray input, TorchDevice device, UnaryOperator<Tensor> f) {
        long[] shape = input.shape();
        float[] in = floats(input);
        float[] out;
        TorchExecutor.useThreads();
        try (PointerScope scope = new PointerScope(); InferenceMode inference = new InferenceMode()) {
            out = values(f.apply(tensor(device, in, shape)));
        }
        return array(out, shape[0], out.length / shape[0]);
    }

    /** A tensor on {@code device} holding a copy of {@code values} with {@code shape}. Inside a {@code PointerScope}. */
    static Tensor tensor(TorchDevice device, float[] values, long... shape) {
        return AbstractTensor.create(values, shape).to(device.device(), torch.ScalarType.Float);
    }

    /** The values of {@code tensor}, row-major, as a new Java array. Inside a {@code PointerScope}. */
    static float[] values(Tensor tensor) {
        Tensor dense = tensor.detach().cpu().contiguous();
        float[] values = new float[Math.toIntExact(dense.numel())];
        dense.data_ptr_float().get(values);
        return values;
    }
}
