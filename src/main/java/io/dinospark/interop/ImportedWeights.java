package io.dinospark.interop;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import io.dinospark.config.ConfigLoader;
import io.dinospark.config.DinoConfig;
import io.dinospark.config.ModelConfig;
import io.dinospark.model.DinoNetwork;
import io.dinospark.model.ParameterLayout;
import io.dinospark.model.PositionEmbeddingInterpolation;

/**
 * A safetensors file under the authors' names ({@link AuthorsNames}) as the project's network: the architecture the
 * names and shapes imply, and the parameters in the project's layout. Every name of the file must be one the
 * architecture has and every name it has must be in the file, at the authors' shape; otherwise an error that names
 * them. Position embeddings learned for another grid are resampled as the authors' {@code interpolate_pos_encoding}
 * does ({@link PositionEmbeddingInterpolation}).
 *
 * @param file     where it was read from
 * @param tensors  the file's tensors by name
 * @param metadata the file's metadata
 */
public record ImportedWeights(String file, Map<String, SafeTensors.Tensor> tensors, Map<String, String> metadata) {

    /** The ViT presets of the authors' code, by width: the head count, which shapes do not tell. */
    private static final Map<Long, Integer> PRESET_HEADS = Map.of(192L, 3, 384L, 6, 768L, 12);
    private static final Pattern BLOCK = Pattern.compile("blocks\\.(\\d+)\\..*");
    private static final Pattern CONV = Pattern.compile("conv\\.(\\d+)\\.weight");

    public static ImportedWeights read(FileSystem fs, Path file) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(fs, file);
        return new ImportedWeights(file.toString(), c.tensors(), c.metadata());
    }

    /** The step the file's metadata names (an export of this project's), else 0. */
    public long step() {
        String step = metadata.get("step");
        return step != null && step.matches("\\d{1,18}") ? Long.parseLong(step) : 0;
    }

    /**
     * The configuration of the backbone the file holds, for evaluation views of {@code imageSize} pixels: the
     * defaults, with the architecture the names and shapes imply.
     */
    public DinoConfig evaluationConfig(int imageSize) {
        List<String> overrides = new ArrayList<>(architecture());
        // One crop size: evaluation sees global-size views only, and the position embeddings are resampled to it.
        overrides.addAll(List.of("crops.global_size=" + imageSize, "crops.local_size=" + imageSize, "crops.local_number=0"));
        return ConfigLoader.load(null, overrides);
    }

    /** The backbone's parameters in {@code config}'s layout (the head's names, if any, are left unread). */
    public INDArray backboneParams(DinoConfig config) {
        ParameterLayout layout = ParameterLayout.of(config);
        List<ParameterLayout.Entry> backbone = layout.layer(DinoNetwork.BACKBONE);
        long count = backbone.stream().mapToLong(ParameterLayout.Entry::length).sum();
        float[] params = new float[Math.toIntExact(count)];
        fill(config, backbone, params, false);
        return Nd4j.create(params, new long[] {1, count}, DataType.FLOAT);
    }

    /**
     * {@code networkParams} (a network of {@code config}) with its backbone, and its head when the file has one,
     * replaced by the file's: a training run's start. The file's architecture must be {@code config}'s.
     */
    public float[] intoNetwork(DinoConfig config, float[] networkParams) {
        ParameterLayout layout = ParameterLayout.of(config);
        boolean withHead = tensors.keySet().stream().anyMatch(n -> n.startsWith(AuthorsNames.HEAD));
        List<ParameterLayout.Entry> entries = withHead ? layout.entries() : layout.layer(DinoNetwork.BACKBONE);
        float[] out = networkParams.clone();
        fill(config, entries, out, withHead);
        return out;
    }

    /**
     * Copies the file's tensors for {@code entries} into {@code target} at the entries' offsets.
     *
     * @param headRead whether the head's names are read (else they are known and left alone)
     */
    private void fill(DinoConfig config, List<ParameterLayout.Entry> entries, float[] target, boolean headRead) {
        Set<String> unknown = new TreeSet<>(tensors.keySet());
        List<String> missing = new ArrayList<>();
        List<String> mismatched = new ArrayList<>();
        for (ParameterLayout.Entry e : entries) {
            AuthorsNames.Name name = AuthorsNames.of(e);
            SafeTensors.Tensor t = tensors.get(name.name());
            unknown.remove(name.name());
            if (t == null) {
                missing.add(name.name() + " " + Arrays.toString(name.shape()));
                continue;
            }
            if (e.layer() == DinoNetwork.BACKBONE && e.name().equals("pos")) {
                t = positions(t, e.shape());
            }
            if (!Arrays.equals(t.shape(), name.shape())) {
                mismatched.add(name.name() + " is " + Arrays.toString(t.shape()) + ", needs " + Arrays.toString(name.shape()));
                continue;
            }
            long[] stored = AuthorsNames.permuted(e.shape(), name.permutation());
            float[] project = AuthorsNames.permute(t.values(), stored, AuthorsNames.inverse(name.permutation()));
            System.arraycopy(project, 0, target, Math.toIntExact(e.offset()), project.length);
        }
        if (config.model().normLastLayer() && unknown.remove(AuthorsNames.LAST_LAYER_GAIN) && headRead) {
            requireUnitGain(config.model());
        }
        if (!headRead) {
            unknown.removeIf(n -> n.startsWith(AuthorsNames.HEAD));
        }
        if (!unknown.isEmpty() || !missing.isEmpty() || !mismatched.isEmpty()) {
            throw new IllegalArgumentException(file + " does not fit a " + describe(config.model()) + ": "
                    + (unknown.isEmpty() ? "" : "unknown names " + unknown + "; ")
                    + (missing.isEmpty() ? "" : "missing " + missing + "; ")
                    + (mismatched.isEmpty() ? "" : "shape mismatches: " + mismatched));
        }
    }

    /**
     * pos_embed {@code [1, 1 + g^2, D]} resampled to the grid of {@code shape = [1 + t^2, D]}, the CLS position
     * kept; unchanged when it is not a square grid of that width (the shape check then reports it).
     */
    private static SafeTensors.Tensor positions(SafeTensors.Tensor pos, long[] shape) {
        long[] s = pos.shape();
        int from = s.length == 3 && s[0] == 1 && s[2] == shape[1] ? grid(s[1] - 1) : -1;
        int to = grid(shape[0] - 1);
        if (from < 0 || from == to) {
            return pos;
        }
        long d = s[2];
        INDArray all = Nd4j.create(pos.values(), new long[] {s[1], d}, DataType.FLOAT);
        INDArray m = PositionEmbeddingInterpolation.matrix(from, from, to, to, DataType.FLOAT);
        INDArray patches = m.mmul(all.get(NDArrayIndex.interval(1, s[1]), NDArrayIndex.all()));
        INDArray out = Nd4j.concat(0, all.getRow(0).reshape(1, d), patches);
        return new SafeTensors.Tensor(new long[] {1, shape[0], d}, out.reshape(out.length()).toFloatVector());
    }

    /** The side of a square grid of {@code n} patches, or -1. */
    private static int grid(long n) {
        int g = (int) Math.round(Math.sqrt(n));
        return (long) g * g == n && g > 0 ? g : -1;
    }

    private void requireUnitGain(ModelConfig m) {
        for (float g : tensors.get(AuthorsNames.LAST_LAYER_GAIN).values()) {
            if (g != 1f) {
                throw new IllegalArgumentException(file + " has a learned " + AuthorsNames.LAST_LAYER_GAIN + " (a value "
                        + g + "), which model.norm_last_layer = true fixes to 1: train with model.norm_last_layer = false");
            }
        }
    }

    /** The configuration overrides of the architecture the names and shapes imply. */
    private List<String> architecture() {
        if (tensors.containsKey("cls_token")) {
            return vit();
        }
        if (tensors.containsKey("conv.0.weight")) {
            return conv();
        }
        throw new IllegalArgumentException(file + " holds neither a ViT under the authors' names (no cls_token) nor"
                + " the project's convnet (no conv.0.weight); its names: " + abbreviated(tensors.keySet()));
    }

    private List<String> vit() {
        long[] cls = shapeOf("cls_token", 3);
        long d = cls[2];
        long[] patch = shapeOf("patch_embed.proj.weight", 4);
        if (patch[0] != d || patch[1] != 3 || patch[2] != patch[3]) {
            throw new IllegalArgumentException(file + ": patch_embed.proj.weight is " + Arrays.toString(patch)
                    + ", needs [" + d + ", 3, p, p] (a square patch of RGB, width " + d + " as cls_token)");
        }
        Set<Integer> blocks = new LinkedHashSet<>();
        for (String n : tensors.keySet()) {
            Matcher m = BLOCK.matcher(n);
            if (m.matches()) {
                blocks.add(Integer.parseInt(m.group(1)));
            }
        }
        int depth = blocks.size();
        if (depth == 0 || !blocks.stream().allMatch(i -> i < depth)) {
            throw new IllegalArgumentException(file + " has blocks " + new TreeSet<>(blocks) + "; a ViT has blocks 0 to depth - 1");
        }
        long hidden = shapeOf("blocks.0.mlp.fc1.weight", 2)[0];
        int heads = heads(d);
        return List.of("model.arch=vit", "model.patch_size=" + patch[2], "model.embed_dim=" + d, "model.depth=" + depth,
                "model.num_heads=" + heads, "model.mlp_ratio=" + (double) hidden / d,
                "model.qkv_bias=" + tensors.containsKey("blocks.0.attn.qkv.bias"));
    }

    private int heads(long d) {
        String meta = metadata.get("num_heads");
        if (meta != null) {
            if (!meta.matches("\\d{1,6}")) {
                throw new IllegalArgumentException(file + " has metadata num_heads = " + meta + ", not a count");
            }
            return Integer.parseInt(meta);
        }
        Integer preset = PRESET_HEADS.get(d);
        if (preset == null) {
            throw new IllegalArgumentException(file + " holds a ViT of width " + d + ", not one of the authors' presets"
                    + " (192, 384, 768: 3, 6, 12 heads), and no num_heads in its metadata: the shapes do not tell the"
                    + " number of heads; add __metadata__ {\"num_heads\": \"H\"}");
        }
        return preset;
    }

    private List<String> conv() {
        List<Long> channels = new ArrayList<>();
        for (int s = 0; tensors.containsKey("conv." + s + ".weight"); s++) {
            channels.add(shapeOf("conv." + s + ".weight", 4)[0]);
        }
        tensors.keySet().stream().map(CONV::matcher).filter(Matcher::matches)
                .filter(m -> Integer.parseInt(m.group(1)) >= channels.size()).findFirst().ifPresent(m -> {
                    throw new IllegalArgumentException(file + " has " + m.group() + " but no conv." + channels.size()
                            + ".weight: stages are numbered from 0 without gaps");
                });
        return List.of("model.arch=conv", "model.conv_channels=" + channels);
    }

    private long[] shapeOf(String name, int rank) {
        SafeTensors.Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException(file + " is missing " + name + ", which tells the architecture");
        }
        if (t.shape().length != rank) {
            throw new IllegalArgumentException(file + ": " + name + " is " + Arrays.toString(t.shape()) + ", needs "
                    + rank + " dimensions");
        }
        return t.shape();
    }

    private static String describe(ModelConfig m) {
        return m.arch().isVit() ? "ViT (width " + m.embedDim() + ", depth " + m.depth() + ", patch " + m.patchSize()
                + ", qkv bias " + m.qkvBias() + ")" : "convnet " + m.convChannels();
    }

    private static String abbreviated(Set<String> names) {
        List<String> list = new ArrayList<>(new TreeSet<>(names));
        return list.size() <= 12 ? list.toString() : list.subList(0, 12) + " and " + (list.size() - 12) + " more";
    }
}
