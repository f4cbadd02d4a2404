package io.dinospark.interop;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.dinospark.model.DinoNetwork;
import io.dinospark.model.ParameterLayout;

/**
 * How each parameter of the project's network is named and laid out in the authors' {@code vision_transformer.py}
 * (and timm's ViT, which uses the same names): the one mapping both export and import use.
 *
 * <p>The project stores linear weights {@code [in, out]} (applied as {@code x W}), biases and gains {@code [1, n]},
 * the CLS token {@code [1, D]}, position embeddings {@code [1 + g^2, D]}, the patch embedding as a linear map of
 * patches flattened (channel, row, column) {@code [3 p p, D]}, and conv kernels {@code [3, 3, in, out]}. PyTorch
 * stores linear weights {@code [out, in]}, 1-D biases and gains, {@code cls_token [1, 1, D]}, {@code pos_embed
 * [1, 1 + g^2, D]}, the patch embedding as a convolution {@code [D, 3, p, p]} (the same numbers as the transposed
 * linear map) and conv kernels {@code [out, in, 3, 3]}. Each is a permutation of the project's axes, then a reshape.
 *
 * <p>The convnet, which has no counterpart in the authors' code, is named {@code conv.S.weight} {@code [out, in, 3,
 * 3]} and {@code conv.S.bias} per stage S, a stack of {@code nn.Conv2d(kernel 3, stride 2, padding 1)} each followed
 * by exact GELU, then the mean over the plane. The DINO head is the authors' {@code DINOHead} under {@code head.}:
 * {@code head.mlp.0}, {@code head.mlp.2}, {@code head.mlp.4} (linear layers; GELU between) and the weight-normalised
 * {@code head.last_layer.weight_g [K, 1]}, {@code head.last_layer.weight_v [K, bottleneck]}.
 */
final class AuthorsNames {

    /** Prefix of the head's names. */
    static final String HEAD = "head.";
    /** The authors' name of the last layer's gain, which the project leaves out when norm_last_layer fixes it to 1. */
    static final String LAST_LAYER_GAIN = HEAD + "last_layer.weight_g";

    private static final int[] SAME_2D = {0, 1};
    private static final int[] TRANSPOSED = {1, 0};
    private static final int[] CONV_KERNEL = {3, 2, 0, 1};
    private static final Pattern BLOCK = Pattern.compile("b(\\d+)(\\w+)");
    private static final Pattern CONV = Pattern.compile("c(\\d+)([WB])");
    private static final Map<String, String> BLOCK_PARTS = Map.ofEntries(
            Map.entry("ln1g", "norm1.weight"), Map.entry("ln1b", "norm1.bias"),
            Map.entry("qkvW", "attn.qkv.weight"), Map.entry("qkvB", "attn.qkv.bias"),
            Map.entry("projW", "attn.proj.weight"), Map.entry("projB", "attn.proj.bias"),
            Map.entry("ln2g", "norm2.weight"), Map.entry("ln2b", "norm2.bias"),
            Map.entry("fc1W", "mlp.fc1.weight"), Map.entry("fc1B", "mlp.fc1.bias"),
            Map.entry("fc2W", "mlp.fc2.weight"), Map.entry("fc2B", "mlp.fc2.bias"));
    private static final Map<String, String> HEAD_PARTS = Map.of(
            "fc1W", "mlp.0.weight", "fc1B", "mlp.0.bias", "fc2W", "mlp.2.weight", "fc2B", "mlp.2.bias",
            "fc3W", "mlp.4.weight", "fc3B", "mlp.4.bias");

    /**
     * One parameter under the authors' name.
     *
     * @param name        the authors' name
     * @param shape       its shape there
     * @param permutation the project's axes in the order PyTorch's tensor has them (before the reshape to
     *                    {@code shape})
     */
    record Name(String name, long[] shape, int[] permutation) {
    }

    private AuthorsNames() {
    }

    /** The authors' name and layout of a layout entry of the network. */
    static Name of(ParameterLayout.Entry e) {
        long[] s = e.shape();
        String n = e.name();
        return switch (e.layer()) {
            case DinoNetwork.BACKBONE -> backbone(n, s, e.decay());
            case DinoNetwork.LAST_LAYER -> n.equals("v")
                    ? new Name(HEAD + "last_layer.weight_v", new long[] {s[1], s[0]}, TRANSPOSED)
                    : new Name(LAST_LAYER_GAIN, new long[] {s[1], 1}, TRANSPOSED);
            default -> head(n, s, e.decay());
        };
    }

    private static Name backbone(String n, long[] s, boolean weight) {
        switch (n) {
            case "cls":
                return new Name("cls_token", new long[] {1, 1, s[1]}, SAME_2D);
            case "pos":
                return new Name("pos_embed", new long[] {1, s[0], s[1]}, SAME_2D);
            case "patchW":
                int patch = (int) Math.round(Math.sqrt(s[0] / 3.0));
                return new Name("patch_embed.proj.weight", new long[] {s[1], 3, patch, patch}, TRANSPOSED);
            case "patchB":
                return vector("patch_embed.proj.bias", s);
            case "normg":
                return vector("norm.weight", s);
            case "normb":
                return vector("norm.bias", s);
            default:
                break;
        }
        Matcher conv = CONV.matcher(n);
        if (conv.matches()) {
            String stage = "conv." + conv.group(1);
            return conv.group(2).equals("W") ? new Name(stage + ".weight", new long[] {s[3], s[2], s[0], s[1]}, CONV_KERNEL)
                    : vector(stage + ".bias", s);
        }
        Matcher block = BLOCK.matcher(n);
        if (block.matches() && BLOCK_PARTS.containsKey(block.group(2))) {
            return linearOrVector("blocks." + block.group(1) + "." + BLOCK_PARTS.get(block.group(2)), s, weight);
        }
        throw new IllegalStateException("the backbone parameter " + n + " has no name in the authors' layout");
    }

    private static Name head(String n, long[] s, boolean weight) {
        String part = HEAD_PARTS.get(n);
        if (part == null) {
            // The head's BatchNorm keeps no running statistics (batch statistics always), which PyTorch's
            // BatchNorm1d needs in eval mode: exporting it would give other outputs there.
            throw new IllegalArgumentException("the head's " + n + " (model.use_bn_in_head = true) has no counterpart"
                    + " in PyTorch: this project's head BatchNorm keeps no running statistics, which BatchNorm1d"
                    + " needs in eval mode; export without --with-head");
        }
        return linearOrVector(HEAD + part, s, weight);
    }

    /** A weight {@code [in, out]} as {@code [out, in]}, or a bias/gain {@code [1, n]} as {@code [n]}. */
    private static Name linearOrVector(String name, long[] s, boolean weight) {
        return weight ? new Name(name, new long[] {s[1], s[0]}, TRANSPOSED) : vector(name, s);
    }

    private static Name vector(String name, long[] s) {
        return new Name(name, new long[] {s[1]}, SAME_2D);
    }

    /** {@code values} of shape {@code shape} with its axes reordered: axis i of the result is axis {@code perm[i]}. */
    static float[] permute(float[] values, long[] shape, int[] perm) {
        int rank = shape.length;
        int[] dims = new int[rank];
        int[] strides = new int[rank];
        int stride = 1;
        for (int i = rank - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= (int) shape[i];
        }
        int[] outDims = new int[rank];
        int[] outStrides = new int[rank]; // the source stride of each result axis
        for (int i = 0; i < rank; i++) {
            outDims[i] = (int) shape[perm[i]];
            outStrides[i] = strides[perm[i]];
        }
        float[] out = new float[values.length];
        int[] index = new int[rank];
        for (int at = 0; at < out.length; at++) {
            int source = 0;
            for (int i = 0; i < rank; i++) {
                source += index[i] * outStrides[i];
            }
            out[at] = values[source];
            for (int i = rank - 1; i >= 0 && ++index[i] == outDims[i]; i--) {
                index[i] = 0;
            }
        }
        return out;
    }

    /** The inverse permutation of {@code perm}. */
    static int[] inverse(int[] perm) {
        int[] inv = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inv[perm[i]] = i;
        }
        return inv;
    }

    /** {@code shape} with its axes reordered by {@code perm}. */
    static long[] permuted(long[] shape, int[] perm) {
        long[] out = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            out[i] = shape[perm[i]];
        }
        return out;
    }
}
