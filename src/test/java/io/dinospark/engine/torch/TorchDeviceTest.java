package io.dinospark.engine.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AbstractTensor;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/**
 * The device a task's tensors go to: its assigned GPU, else the JVM's {@code dinospark.torch.device}, else the CPU;
 * and, asked for a GPU libtorch cannot use, an error naming what is missing. Run on this machine (no GPU) the CUDA
 * cases are the real failure a GPU task meets on a node without a usable GPU: with the CPU build, the build; with
 * {@code -Ptorch-gpu}, the first CUDA library the node lacks.
 */
class TorchDeviceTest {

    @Test
    void aTaskWithoutGpusAndAJvmWithoutTheSettingUseTheCpu() {
        assertSame(TorchDevice.CPU, TorchDevice.current()); // no Spark task here
        assertSame(TorchDevice.CPU, TorchDevice.forGpus(new String[0]));
    }

    @Test
    void onTheCpuMovingATensorToTheDeviceCopiesNothing() {
        try (PointerScope scope = new PointerScope()) {
            Tensor made = AbstractTensor.create(new float[] {1, 2, 3, 4}, 2, 2);
            Tensor moved = made.to(TorchDevice.CPU.device(), torch.ScalarType.Float);
            assertEquals(made.data_ptr().address(), moved.data_ptr().address());
            assertTrue(TorchArrays.tensor(TorchDevice.CPU, new float[] {1, 2, 3, 4}, 2, 2).is_cpu());
        }
    }

    @Test
    void aTaskUsesTheFirstGpuItWasAssignedAndFailsNamingWhatIsMissingWhenLibtorchCannotUseIt() {
        TorchDevice device;
        try {
            device = TorchDevice.forGpus(new String[] {"0", "1"});
        } catch (ExceptionInInitializerError | IllegalStateException e) {
            assertMissingNamed((e instanceof ExceptionInInitializerError ? e.getCause() : e).getMessage());
            return;
        }
        // A machine with a GPU and the GPU build: the task's first address is its device.
        assertTrue(torch.cuda_is_available());
        assertEquals("cuda:0", device.toString());
    }

    private static void assertMissingNamed(String message) {
        if (TorchNatives.isGpuBuild()) {
            // This machine has no CUDA libraries: the GPU build stops at loading, naming the first one missing.
            assertTrue(message.matches("libtorch's CUDA 13 build \\(the -Ptorch-gpu jar\\) does not load: \\S*libtorch_cuda\\.so:"
                    + " lib\\w+\\.so[.\\d]*:"
                    + " cannot open shared object file.*LD_LIBRARY_PATH.*"), message);
        } else {
            assertTrue(message.startsWith("cuda:0 (the GPU Spark assigned this task (address 0)) is not usable: libtorch"
                    + " sees 0 CUDA device(s). The jar carries libtorch's CPU build"), message);
            assertTrue(message.contains("mvn -Ptorch-gpu"), message);
        }
    }

    @Test
    void theJvmSettingChoosesTheDeviceOutsideGpuTasksAndIsChecked() {
        assumeFalse(torch.cuda_is_available(), "this machine has a usable GPU");
        String before = System.getProperty(TorchDevice.PROPERTY);
        try {
            System.setProperty(TorchDevice.PROPERTY, "cuda:1");
            IllegalStateException gpu = assertThrows(IllegalStateException.class, TorchDevice::current);
            assertTrue(gpu.getMessage().startsWith("cuda:1 (-Ddinospark.torch.device) is not usable"), gpu.getMessage());
            System.setProperty(TorchDevice.PROPERTY, "cpu");
            assertSame(TorchDevice.CPU, TorchDevice.current());
            System.setProperty(TorchDevice.PROPERTY, "gpu0");
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, TorchDevice::current);
            assertEquals("-Ddinospark.torch.device = 'gpu0': expected cpu or cuda:<index> (cuda:0 is a process's first"
                    + " visible GPU)", bad.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(TorchDevice.PROPERTY);
            } else {
                System.setProperty(TorchDevice.PROPERTY, before);
            }
        }
    }

    @Test
    void aGpuAddressThatIsNoDeviceIndexIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TorchDevice.forGpus(new String[] {"GPU-5d3c"}));
        assertEquals("Spark assigned this task GPU address 'GPU-5d3c'; expected a CUDA device index such as 0, as"
                + " submit/getGpusResources.sh reports them", e.getMessage());
    }
}
