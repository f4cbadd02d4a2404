package io.dinospark.interop;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import io.dinospark.config.DinoConfig;
import io.dinospark.config.ModelConfig;
import io.dinospark.model.DinoNetwork;
import io.dinospark.model.ParameterLayout;

/**
 * A network's parameters as a safetensors file under the authors' names and layouts ({@link AuthorsNames}): the
 * backbone, or the backbone and the DINO head, with metadata saying what it is.
 */
public final class WeightsExport {

    private WeightsExport() {
    }

    /**
     * The tensors of the network with flat parameters {@code networkParams} ({@link ParameterLayout} of {@code
     * config}, or the backbone's alone, which come first), in layout order: the backbone's, and the head's and last
     * layer's when {@code withHead}.
     *
     * @throws IllegalArgumentException for a head that PyTorch's {@code DINOHead} cannot represent (see
     *                                  {@link AuthorsNames})
     */
    public static Map<String, SafeTensors.Tensor> tensors(DinoConfig config, float[] networkParams, boolean withHead) {
        ParameterLayout layout = ParameterLayout.of(config);
        long backbone = layout.length(DinoNetwork.BACKBONE);
        if (networkParams.length != layout.size() && (withHead || networkParams.length != backbone)) {
            throw new IllegalArgumentException("a parameter vector of " + networkParams.length + " values does not fit"
                    + " the configuration's network (" + layout.size() + ")" + (withHead ? "" : " or backbone ("
                    + backbone + ")"));
        }
        Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
        for (ParameterLayout.Entry e : layout.entries()) {
            if (e.layer() != DinoNetwork.BACKBONE && !withHead) {
                continue;
            }
            AuthorsNames.Name name = AuthorsNames.of(e);
            float[] values = new float[Math.toIntExact(e.length())];
            System.arraycopy(networkParams, Math.toIntExact(e.offset()), values, 0, values.length);
            tensors.put(name.name(), new SafeTensors.Tensor(name.shape(), AuthorsNames.permute(values, e.shape(), name.permutation())));
        }
        ModelConfig m = config.model();
        if (withHead && m.normLastLayer()) {
            // The project leaves the gain out when norm_last_layer fixes it; the authors keep it, filled with 1.
            float[] ones = new float[m.outDim()];
            java.util.Arrays.fill(ones, 1f);
            tensors.put(AuthorsNames.LAST_LAYER_GAIN, new SafeTensors.Tensor(new long[] {m.outDim(), 1}, ones));
        }
        return tensors;
    }

    /** What the file says about itself: the architecture, its sizes, the step and which network it holds. */
    public static Map<String, String> metadata(DinoConfig config, long step, String network) {
        ModelConfig m = config.model();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt"); // what timm and the hub's loaders expect of a PyTorch file
        meta.put("architecture", m.arch().configName());
        meta.put("image_size", Integer.toString(config.crops().globalSize()));
        if (m.arch().isVit()) {
            meta.put("patch_size", Integer.toString(m.patchSize()));
            meta.put("embed_dim", Integer.toString(m.embedDim()));
            meta.put("depth", Integer.toString(m.depth()));
            meta.put("num_heads", Integer.toString(m.numHeads()));
        } else {
            meta.put("conv_channels", m.convChannels().stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
        meta.put("step", Long.toString(step));
        meta.put("network", network);
        return meta;
    }

    /** Writes {@code tensors} and {@code metadata} to {@code file}, refusing to overwrite one. */
    public static void write(FileSystem fs, Path file, Map<String, SafeTensors.Tensor> tensors,
            Map<String, String> metadata) throws IOException {
        try (OutputStream out = fs.create(file, false)) {
            SafeTensors.write(out, tensors, metadata);
        }
    }
}
