package io.dinospark.engine.torch;

import java.util.HashMap;
import java.util.Map;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.global.torch;

/**
 * Where a task's tensors live. Inside a Spark task that was assigned a GPU ({@code spark.task.resource.gpu.amount =
 * 1}) it is that GPU, {@code cuda:<address>} (the first address, one GPU per task); otherwise it is the JVM's
 * {@value #PROPERTY} system property, {@code cpu} when unset (the driver, local runs, CPU executors). A CUDA device is
 * checked the first time a JVM asks for it: a task given a GPU that libtorch cannot use fails right there, with what
 * is missing, instead of training on the CPU.
 */
public final class TorchDevice {

    /** The device outside GPU tasks: {@code cpu} (default) or {@code cuda:<index>}. */
    public static final String PROPERTY = "dinospark.torch.device";
    /** Spark's resource name for GPUs, as the launchers' {@code spark.task.resource.gpu.amount} names it. */
    static final String SPARK_GPU = "gpu";

    private static final Map<String, TorchDevice> CHECKED = new HashMap<>();

    static {
        TorchNatives.load();
    }

    public static final TorchDevice CPU = new TorchDevice("cpu", new Device(torch.DeviceType.CPU));

    private final String name;
    private final Device device;

    private TorchDevice(String name, Device device) {
        this.name = name;
        this.device = device;
    }

    /** The device of the calling thread's Spark task, or of this JVM outside GPU tasks (see the class comment). */
    static TorchDevice current() {
        TaskContext task = TaskContext.get();
        ResourceInformation gpu = task == null ? null : task.resourcesJMap().get(SPARK_GPU);
        return forGpus(gpu == null ? new String[0] : gpu.addresses());
    }

    /** The device of a task assigned the GPUs {@code addresses} (none: the JVM's {@value #PROPERTY}). */
    static TorchDevice forGpus(String[] addresses) {
        if (addresses.length > 0) {
            String address = addresses[0];
            if (!address.matches("\\d{1,3}")) {
                throw new IllegalStateException("Spark assigned this task GPU address '" + address + "'; expected a CUDA"
                        + " device index such as 0, as submit/getGpusResources.sh reports them");
            }
            return of("cuda:" + Integer.parseInt(address), "the GPU Spark assigned this task (address " + address + ")");
        }
        return of(System.getProperty(PROPERTY, "cpu"), "-D" + PROPERTY);
    }

    /**
     * The device {@code name} ({@code cpu} or {@code cuda:<index>}), checked once per JVM.
     *
     * @param origin where the name came from, for the error messages
     * @throws IllegalArgumentException for another name
     * @throws IllegalStateException for a CUDA device libtorch cannot use, naming what is missing
     */
    static synchronized TorchDevice of(String name, String origin) {
        if (name.equals(CPU.name)) {
            return CPU;
        }
        TorchDevice known = CHECKED.get(name);
        if (known != null) {
            return known;
        }
        if (!name.matches("cuda:\\d{1,3}")) {
            throw new IllegalArgumentException(origin + " = '" + name + "': expected cpu or cuda:<index> (cuda:0 is a"
                    + " process's first visible GPU)");
        }
        int index = Integer.parseInt(name.substring("cuda:".length()));
        int visible = torch.cuda_is_available() ? torch.cuda_device_count() : 0;
        if (index >= visible) {
            throw new IllegalStateException(name + " (" + origin + ") is not usable: libtorch sees " + visible
                    + " CUDA device(s). " + TorchNatives.cudaDiagnosis());
        }
        TorchDevice device = new TorchDevice(name, new Device(torch.DeviceType.CUDA, (byte) index));
        CHECKED.put(name, device);
        return device;
    }

    Device device() {
        return device;
    }

    @Override
    public String toString() {
        return name;
    }
}
