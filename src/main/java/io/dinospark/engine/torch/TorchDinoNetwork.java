package io.dinospark.engine.torch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.AbstractTensor;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.dinospark.config.DinoConfig;
import io.dinospark.config.ModelConfig;
import io.dinospark.engine.FeatureKind;
import io.dinospark.model.CropLayout;
import io.dinospark.model.DinoNetwork;
import io.dinospark.model.ParameterLayout;
import io.dinospark.model.PositionEmbeddingInterpolation;

/**
 * The DINO network of {@link DinoNetwork#configuration} on libtorch: the same multi-crop backbone (ViT or
 * convnet), head and weight-normalised last layer, with the same parameters, stored as one float32 tensor per
 * {@link ParameterLayout} entry in DL4J's shapes, on one {@link TorchDevice} (linear weights {@code [in, out]} applied as {@code x @ W}, biases
 * and gains {@code [1, n]}, conv kernels {@code [3, 3, in, out]}), so that a flat parameter vector means the same
 * network on either engine and autograd gives the gradient in that layout.
 *
 * <p>Native memory: the parameters and the position-interpolation matrices (built on first use, one per grid)
 * belong to this object and live until {@link #close}. Construct it outside any {@link PointerScope}: its layout
 * comes from DL4J's configuration, and ND4J must never allocate inside a scope (its cached native buffers would be
 * attached to the scope and freed with it, breaking later ND4J calls). {@link #logits}, {@link #features} and {@link #lastBlockClsAttention} return new tensors and
 * leave their intermediates to the caller: call them inside a {@code try (PointerScope scope = new PointerScope())}
 * around the step, with no ND4J work inside it. The methods that take or return Java arrays free their own
 * temporaries. Not thread-safe: one network per thread.
 */
public final class TorchDinoNetwork implements AutoCloseable {

    static {
        TorchNatives.load();
    }

    private static final int HEAD = 1;
    /** The reference's ViT LayerNorm. */
    private static final double LAYER_NORM_EPS = 1e-6;
    /** PyTorch's {@code BatchNorm1d} default. */
    private static final double BATCH_NORM_EPS = 1e-5;
    /** {@code F.normalize}'s floor on the norm. */
    private static final double L2_FLOOR = 1e-12;

    private final ModelConfig model;
    private final TorchDevice device;
    private final CropLayout crops;
    private final ParameterLayout layout;
    private final List<Tensor> parameters;
    private final Map<String, Tensor> byKey = new HashMap<>();
    /**
     * The ViT's bicubic resampling of the native position grid to another grid (the local crops', a multiscale
     * view's), {@code [grid^2, native^2]}, by grid: the DL4J engine's matrix, so both engines resample identically.
     */
    private final Map<Integer, Tensor> interpolations = new HashMap<>();
    private final int featureDim;

    /**
     * Allocates the parameters on {@code device}, all zero: {@link #load} sets them.
     *
     * @throws IllegalStateException inside a {@link PointerScope} (see the class comment)
     */
    public TorchDinoNetwork(DinoConfig config, TorchDevice device) {
        this(config, ParameterLayout.of(config), device);
    }

    /**
     * The network of {@code layout}'s parameters on {@code config}'s backbone: the DINO network's, or a classifier's
     * ({@link ParameterLayout#classifier}, which {@link #classLogits} runs), all zero.
     */
    TorchDinoNetwork(DinoConfig config, ParameterLayout layout, TorchDevice device) {
        if (PointerScope.getInnerScope() != null) {
            throw new IllegalStateException("construct a TorchDinoNetwork outside any PointerScope: it keeps its tensors,"
                    + " and ND4J, which its layout may initialise, must not allocate inside a scope");
        }
        this.model = config.model();
        this.device = device;
        this.crops = new CropLayout(config.crops().globalSize(), config.crops().localSize());
        this.layout = layout;
        this.featureDim = model.arch().isVit() ? model.embedDim() : model.convChannels().get(model.convChannels().size() - 1);
        List<Tensor> tensors = new ArrayList<>();
        try (PointerScope scope = new PointerScope()) {
            TensorOptions onDevice = new TensorOptions(device.device());
            for (ParameterLayout.Entry e : layout.entries()) {
                Tensor t = owned(torch.zeros(e.shape(), onDevice).requires_grad_(true));
                tensors.add(t);
                byKey.put(e.key(), t);
            }
        }
        this.parameters = List.copyOf(tensors);
    }

    /** Keeps {@code t} alive past the enclosing {@link PointerScope}; {@link #close} releases it. */
    private static Tensor owned(Tensor t) {
        t.retainReference();
        return t;
    }

    /**
     * {@code config}'s backbone alone on {@code device}, for evaluation (features, attention: the head is never
     * reached, so it is not allocated), holding the first values of {@code params}: a whole network's parameters or
     * the backbone's, which come first in the layout.
     */
    static TorchDinoNetwork backbone(DinoConfig config, INDArray params, TorchDevice device) {
        TorchDinoNetwork network = new TorchDinoNetwork(config, ParameterLayout.backbone(config), device);
        network.load(Arrays.copyOf(TorchArrays.floats(params), Math.toIntExact(network.layout().size())));
        return network;
    }

    public TorchDevice device() {
        return device;
    }

    public ParameterLayout layout() {
        return layout;
    }

    /** The parameter tensors, in {@link ParameterLayout#entries()} order: what an optimizer updates in place. */
    public List<Tensor> parameters() {
        return parameters;
    }

    /** Copies a flat parameter vector (layout order) into the parameter tensors, in place. */
    public void load(float[] flat) {
        if (flat.length != layout.size()) {
            throw new IllegalArgumentException("a parameter vector of length " + flat.length
                    + " does not fit this network's " + layout.size() + " parameters");
        }
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Tensor source = AbstractTensor.create(flat);
            for (int i = 0; i < parameters.size(); i++) {
                ParameterLayout.Entry e = layout.entries().get(i);
                parameters.get(i).copy_(source.narrow(0, e.offset(), e.length()).view(e.shape()));
            }
        }
    }

    /** The parameters as one flat vector, layout order. */
    public float[] params() {
        float[] flat = new float[Math.toIntExact(layout.size())];
        try (PointerScope scope = new PointerScope()) {
            for (int i = 0; i < parameters.size(); i++) {
                copyInto(parameters.get(i).detach(), flat, layout.entries().get(i));
            }
        }
        return flat;
    }

    /** The parameters' gradients as one flat vector, layout order; zeros where a parameter has none yet. */
    public float[] gradients() {
        float[] flat = new float[Math.toIntExact(layout.size())];
        try (PointerScope scope = new PointerScope()) {
            for (int i = 0; i < parameters.size(); i++) {
                Tensor grad = parameters.get(i).grad();
                if (grad.defined()) {
                    copyInto(grad, flat, layout.entries().get(i));
                }
            }
        }
        return flat;
    }

    private static void copyInto(Tensor t, float[] flat, ParameterLayout.Entry e) {
        t.cpu().contiguous().data_ptr_float().get(flat, Math.toIntExact(e.offset()), Math.toIntExact(e.length()));
    }

    private Tensor p(int layer, String name) {
        return byKey.get(layer + "_" + name);
    }

    private Tensor backboneParam(String name) {
        return p(DinoNetwork.BACKBONE, name);
    }

    private Tensor block(int i, String name) {
        return backboneParam("b" + i + name);
    }

    /**
     * The network's output, {@code [B, views * K]}, crops in input order, as the DL4J network's. Call inside a
     * {@link PointerScope}; under a {@link NoGradGuard} for the teacher.
     *
     * @param rows packed multi-crop rows {@code [B, width]} as {@link CropLayout} packs them (2 global crops then
     *             local ones, or one global-size view)
     * @param keep stochastic-depth keep factors {@code [B, views * depth * 2]} from {@link #keepFactors}, or null
     *             for none (teacher, evaluation, drop_path_rate 0)
     */
    public Tensor logits(Tensor rows, Tensor keep) {
        int views = crops.views(rows.size(1));
        return head(backbone(rows, keep), views);
    }

    /**
     * The backbone's per-crop features, {@code [B, views * featureDim]} (DL4J's layer 0 activations). Call inside a
     * {@link PointerScope}.
     */
    Tensor backbone(Tensor rows, Tensor keep) {
        if (rows.dim() != 2) {
            throw new IllegalArgumentException("input rows must be [B, width], got " + Arrays.toString(rows.shape()));
        }
        long width = rows.size(1);
        int views = crops.views(width);
        checkKeep(keep, rows.size(0), views);
        int globals = Math.min(views, CropLayout.GLOBAL_CROPS); // 1 for an evaluation row of one image
        long globalEnd = globals * crops.globalLength();
        Tensor features = group(rows.narrow(1, 0, globalEnd), crops.globalSize(), globals, keepOf(keep, views, 0, globals));
        if (views == globals) {
            return features;
        }
        Tensor local = group(rows.narrow(1, globalEnd, width - globalEnd), crops.localSize(), views - globals,
                keepOf(keep, views, globals, views - globals));
        return torch.cat(new TensorVector(features, local), 1);
    }

    private void checkKeep(Tensor keep, long batch, int views) {
        if (keep == null) {
            return;
        }
        if (!model.arch().isVit()) {
            throw new IllegalArgumentException("stochastic depth needs a ViT backbone; this one is " + model.arch().configName());
        }
        long[] expected = {batch, (long) views * model.depth() * 2};
        if (!Arrays.equals(keep.shape(), expected)) {
            throw new IllegalArgumentException("keep factors must be [B, views * depth * 2] = " + Arrays.toString(expected)
                    + ", got " + Arrays.toString(keep.shape()));
        }
    }

    /** Views {@code [first, first + count)} of the keep factors, as rows {@code [B * count, depth * 2]}. */
    private Tensor keepOf(Tensor keep, int views, int first, int count) {
        return keep == null ? null
                : keep.view(keep.size(0), views, 2L * model.depth()).narrow(1, first, count).reshape(-1, 2L * model.depth());
    }

    /** One resolution group: its crops' columns {@code [B, count * 3 * size^2]} to features {@code [B, count * F]}. */
    private Tensor group(Tensor columns, int size, int count, Tensor keep) {
        Tensor images = columns.reshape(-1, CropLayout.CHANNELS, size, size);
        return feature(images, keep, 1, false).reshape(-1, (long) count * featureDim);
    }

    // ---- backbone feature ------------------------------------------------------------------------------------

    /**
     * The backbone's feature of images {@code [n, 3, s, s]}, any side {@code s}: the ViT's CLS tokens of the last
     * {@code blocks} blocks, each after the final LayerNorm, concatenated oldest first ({@code [n, blocks * D]}), or
     * the convnet's mean-pooled last stage ({@code blocks} 1); with {@code gem}, then GeM of the last block's patch
     * tokens after the final LayerNorm (the convnet: of its last stage's map), {@code F} values more.
     *
     * @param keep stochastic-depth keep factors {@code [n, depth * 2]}, or null for none
     */
    private Tensor feature(Tensor images, Tensor keep, int blocks, boolean gem) {
        if (!model.arch().isVit()) {
            Tensor map = convStages(images);
            Tensor mean = map.mean(new long[] {2, 3}, false, new ScalarTypeOptional());
            return gem ? torch.cat(new TensorVector(mean, gem(map.flatten(2, 3), 2)), 1) : mean;
        }
        // The reference's patch embedding (a stride-p convolution) floors: the last side % p pixels are not read.
        int patch = model.patchSize();
        int grid = (int) images.size(2) / patch;
        if (grid < 1) {
            throw new IllegalArgumentException("a " + images.size(2) + " px view is smaller than one " + patch + " px patch");
        }
        if ((long) grid * patch != images.size(2)) {
            images = images.narrow(2, 0, (long) grid * patch).narrow(3, 0, (long) grid * patch);
        }
        int depth = model.depth();
        Tensor x = embed(images, grid);
        TensorVector out = new TensorVector();
        for (int i = 0; i < depth; i++) {
            x = transformerBlock(x, i, keep);
            if (i >= depth - blocks) {
                // LayerNorm works per token: normalising the CLS token alone equals taking it after norm(x).
                out.push_back(layerNorm(x.select(1, 0), backboneParam("normg"), backboneParam("normb")));
            }
        }
        if (gem) { // get_intermediate_layers(n=1): every token after the final norm; the patches' GeM
            Tensor patches = layerNorm(x.narrow(1, 1, (long) grid * grid), backboneParam("normg"), backboneParam("normb"));
            out.push_back(gem(patches, 1));
        }
        return out.size() == 1 ? out.get(0) : torch.cat(out, 1);
    }

    /** GeM over dimension {@code dim}: {@code clamp(min=1e-6).pow(p).mean(dim).pow(1/p)}, p = 4. */
    private static Tensor gem(Tensor x, long dim) {
        return x.clamp_min(new Scalar(FeatureKind.GEM_FLOOR)).pow(new Scalar(FeatureKind.GEM_P))
                .mean(new long[] {dim}, false, new ScalarTypeOptional()).pow(new Scalar(1 / FeatureKind.GEM_P));
    }

    // ---- ViT -------------------------------------------------------------------------------------------------

    private int nativeGrid() {
        return crops.globalSize() / model.patchSize();
    }

    /**
     * Patch embedding, CLS token and (interpolated) position embeddings, {@code [n, 1 + grid^2, D]}. Patches are
     * flattened (channel, row in patch, column in patch), DL4J's order for {@code patchW}'s rows.
     */
    private Tensor embed(Tensor images, int grid) {
        long n = images.size(0);
        int patch = model.patchSize();
        long d = model.embedDim();
        Tensor patches = images.reshape(n, CropLayout.CHANNELS, grid, patch, grid, patch).permute(0, 2, 4, 1, 3, 5)
                .reshape(n, (long) grid * grid, (long) CropLayout.CHANNELS * patch * patch);
        Tensor tokens = patches.matmul(backboneParam("patchW")).add(backboneParam("patchB"));
        Tensor cls = backboneParam("cls").view(1, 1, d).expand(n, 1, d);
        return torch.cat(new TensorVector(cls, tokens), 1).add(positions(grid));
    }

    /** Position embeddings for a grid, {@code [1 + grid^2, D]}: learned for the native grid, resampled otherwise. */
    private Tensor positions(int grid) {
        Tensor pos = backboneParam("pos");
        int g = nativeGrid();
        if (grid == g) {
            return pos;
        }
        Tensor patchPos = interpolation(grid).matmul(pos.narrow(0, 1, (long) g * g));
        return torch.cat(new TensorVector(pos.narrow(0, 0, 1), patchPos), 0);
    }

    /**
     * {@link PositionEmbeddingInterpolation#weights} from the native grid to {@code grid}, built once per grid from
     * plain arrays (no ND4J: this runs inside the caller's {@link PointerScope}) and kept until {@link #close}.
     */
    private Tensor interpolation(int grid) {
        Tensor cached = interpolations.get(grid);
        if (cached == null) {
            int g = nativeGrid();
            double[][] weights = PositionEmbeddingInterpolation.weights(g, g, grid, grid);
            float[] flat = new float[grid * grid * g * g];
            for (int r = 0; r < weights.length; r++) {
                for (int c = 0; c < weights[r].length; c++) {
                    flat[r * g * g + c] = (float) weights[r][c];
                }
            }
            cached = owned(TorchArrays.tensor(device, flat, (long) grid * grid, (long) g * g));
            interpolations.put(grid, cached);
        }
        return cached;
    }

    /** One pre-norm transformer block on tokens {@code [n, T, D]}. */
    private Tensor transformerBlock(Tensor x, int i, Tensor keep) {
        Tensor qkv = qkv(layerNorm(x, block(i, "ln1g"), block(i, "ln1b")), i);
        Tensor attention = torch.scaled_dot_product_attention(qkv.select(0, 0), qkv.select(0, 1), qkv.select(0, 2));
        Tensor merged = attention.transpose(1, 2).reshape(x.size(0), x.size(1), model.embedDim());
        x = x.add(dropPath(linear(merged, block(i, "projW"), block(i, "projB")), keep, 2 * i));
        Tensor h = layerNorm(x, block(i, "ln2g"), block(i, "ln2b"));
        h = torch.gelu(linear(h, block(i, "fc1W"), block(i, "fc1B")));
        return x.add(dropPath(linear(h, block(i, "fc2W"), block(i, "fc2B")), keep, 2 * i + 1));
    }

    /** Block {@code i}'s q, k and v of the normalised tokens {@code h}, stacked: {@code [3, n, heads, T, headDim]}. */
    private Tensor qkv(Tensor h, int i) {
        Tensor qkv = h.matmul(block(i, "qkvW"));
        if (model.qkvBias()) {
            qkv = qkv.add(block(i, "qkvB"));
        }
        int heads = model.numHeads();
        return qkv.view(h.size(0), h.size(1), 3, heads, model.embedDim() / heads).permute(2, 0, 3, 1, 4);
    }

    /** A residual branch times its per-crop keep factor (column {@code column} of {@code keep}). */
    private static Tensor dropPath(Tensor branch, Tensor keep, int column) {
        return keep == null ? branch : branch.mul(keep.narrow(1, column, 1).view(-1, 1, 1));
    }

    /**
     * Stochastic-depth keep factors for a training pass of {@code rows} rows of {@code views} crops, laid out
     * {@code [B, views, depth, 2]} (per crop, per block: attention branch, then MLP branch) as a {@code [B, views *
     * depth * 2]} row-major array: 0 with probability {@code p_i}, else {@code 1 / (1 - p_i)}, with {@code p_i}
     * rising linearly over depth from 0 to drop_path_rate (the reference's rule). Null when the model has no
     * stochastic depth (a convnet, or drop_path_rate 0).
     */
    public static float[] keepFactors(DinoConfig config, long rows, int views, SplittableRandom random) {
        ModelConfig m = config.model();
        if (!m.arch().isVit() || m.dropPathRate() <= 0) {
            return null;
        }
        int depth = m.depth();
        float[] keep = new float[Math.toIntExact(rows * views * depth * 2)];
        for (int at = 0; at < keep.length; at++) {
            int i = (at / 2) % depth;
            double drop = depth == 1 ? m.dropPathRate() : m.dropPathRate() * i / (depth - 1);
            keep[at] = random.nextDouble() >= drop ? (float) (1.0 / (1.0 - drop)) : 0f;
        }
        return keep;
    }

    /**
     * The last block's attention probabilities of the CLS query over all tokens, {@code [B, heads, 1 + grid^2]}
     * (CLS key first, then the patches row-major), in inference mode without gradients. Call inside a
     * {@link PointerScope}.
     *
     * @param images normalised images at the global crop size, {@code [B, 3, S, S]}
     * @throws IllegalArgumentException when the backbone is not a ViT, or for images of another shape
     */
    public Tensor lastBlockClsAttention(Tensor images) {
        if (!model.arch().isVit()) {
            throw new IllegalArgumentException("attention maps need a ViT backbone (model.arch = vit, vit_tiny, "
                    + "vit_small or vit_base); this network's backbone is " + model.arch().configName());
        }
        int size = crops.globalSize();
        long[] expected = {images.size(0), CropLayout.CHANNELS, size, size};
        if (images.dim() != 4 || !Arrays.equals(images.shape(), expected)) {
            throw new IllegalArgumentException("images must be [B, 3, " + size + ", " + size
                    + "] (the global crop size), got " + Arrays.toString(images.shape()));
        }
        try (NoGradGuard noGrad = new NoGradGuard()) {
            int last = model.depth() - 1;
            Tensor x = embed(images, nativeGrid());
            for (int i = 0; i < last; i++) {
                x = transformerBlock(x, i, null);
            }
            Tensor qkv = qkv(layerNorm(x, block(last, "ln1g"), block(last, "ln1b")), last);
            Tensor q = qkv.select(0, 0).mul(new Scalar(1.0 / Math.sqrt(model.embedDim() / model.numHeads())));
            return q.matmul(qkv.select(0, 1).transpose(2, 3)).softmax(3).select(2, 0);
        }
    }

    // ---- convnet ---------------------------------------------------------------------------------------------

    /** Per stage a 3x3 stride-2 convolution (padding 1) and GELU: the last stage's map, {@code [n, C, h, w]}. */
    private Tensor convStages(Tensor images) {
        Tensor x = images;
        for (int s = 0; s < model.convChannels().size(); s++) {
            // DL4J's kernel layout [kH, kW, in, out] to libtorch's [out, in, kH, kW].
            Tensor kernel = backboneParam("c" + s + "W").permute(3, 2, 0, 1);
            TensorOptional bias = new TensorOptional(backboneParam("c" + s + "B").view(-1));
            x = torch.gelu(torch.conv2d(x, kernel, bias, new long[] {2, 2}, new long[] {1, 1}, new long[] {1, 1}, 1));
        }
        return x;
    }

    // ---- evaluation features ---------------------------------------------------------------------------------

    /**
     * Backbone features of evaluation views, in inference mode without gradients: {@code [B, featureDim]}. For the
     * ViT the CLS tokens of the last {@code blocks} blocks, each after the final LayerNorm, concatenated oldest
     * first; the convnet has one feature ({@code blocks} 1). Call inside a {@link PointerScope}.
     *
     * @param views one global-size view per row, {@code [B, 3 * S * S]}
     */
    public Tensor features(Tensor views, int blocks) {
        return features(views, blocks, FeatureKind.CLS);
    }

    /**
     * Features of {@code kind} of evaluation views (see {@link FeatureKind}), in inference mode without gradients:
     * {@code [B, featureDim]}, with GeM {@code [B, featureDim + F]} ({@code F} the width of one block's token). Call
     * inside a {@link PointerScope}.
     *
     * @param views one global-size view per row, {@code [B, 3 * S * S]}
     */
    public Tensor features(Tensor views, int blocks, FeatureKind kind) {
        if (model.arch().isVit() ? blocks < 1 || blocks > model.depth() : blocks != 1) {
            throw new IllegalArgumentException(model.arch().isVit()
                    ? "a ViT of depth " + model.depth() + " has 1 to " + model.depth()
                            + " blocks to take CLS tokens from, not " + blocks
                    : "the convolutional backbone has one feature (its pooled last stage), so it takes 1 block, not " + blocks);
        }
        if (views.dim() != 2 || views.size(1) != crops.globalLength()) {
            throw new IllegalArgumentException("evaluation views must be [B, " + crops.globalLength() + "] (one "
                    + crops.globalSize() + " px RGB image per row), got " + Arrays.toString(views.shape()));
        }
        try (NoGradGuard noGrad = new NoGradGuard()) {
            int size = crops.globalSize();
            Tensor images = views.reshape(-1, CropLayout.CHANNELS, size, size);
            boolean gem = kind.descriptor() == FeatureKind.Descriptor.CLS_GEM;
            if (!kind.multiscale()) {
                return feature(images, null, blocks, gem);
            }
            // utils.multi_scale: the descriptor at each scale, summed, divided by the number of scales, L2-normalised.
            Tensor sum = null;
            for (double scale : FeatureKind.SCALES) {
                Tensor scaled = scale == 1 ? images : torch.upsample_bilinear2d(images,
                        new long[] {FeatureKind.scaledSize(size, scale), FeatureKind.scaledSize(size, scale)}, false,
                        new DoubleOptional(scale), new DoubleOptional(scale));
                Tensor f = feature(scaled, null, blocks, gem);
                sum = sum == null ? f : sum.add(f);
            }
            Tensor mean = sum.div(new Scalar((double) FeatureKind.SCALES.size()));
            return mean.div(l2Norm(mean, 1).clamp_min(new Scalar(L2_FLOOR)));
        }
    }

    // ---- classifier ------------------------------------------------------------------------------------------

    /**
     * A classifier's scores {@code [B, classes]} of views {@code [B, 3 * S * S]} (one global-size view per row): the
     * backbone's feature, then its linear layer. For a network of {@link ParameterLayout#classifier}'s layout; call
     * inside a {@link PointerScope}.
     *
     * @param keep stochastic-depth keep factors {@code [B, depth * 2]} (one view), or null for none
     */
    Tensor classLogits(Tensor views, Tensor keep) {
        return linear(backbone(views, keep), p(ParameterLayout.CLASSIFIER, "W"), p(ParameterLayout.CLASSIFIER, "b"));
    }

    // ---- head ------------------------------------------------------------------------------------------------

    /**
     * DINO head and last layer on per-crop features {@code [B, views * F]}: three linear layers with exact GELU
     * (BatchNorm on the hidden ones with batch statistics, when configured), L2 normalisation, then the
     * weight-normalised, bias-free map to K. Out: {@code [B, views * K]}.
     */
    private Tensor head(Tensor features, int views) {
        Tensor x = features.reshape(-1, featureDim);
        x = torch.gelu(batchNorm(linear(x, p(HEAD, "fc1W"), p(HEAD, "fc1B")), "bn1"));
        x = torch.gelu(batchNorm(linear(x, p(HEAD, "fc2W"), p(HEAD, "fc2B")), "bn2"));
        x = linear(x, p(HEAD, "fc3W"), p(HEAD, "fc3B"));
        x = x.div(l2Norm(x, 1).clamp_min(new Scalar(L2_FLOOR)));
        Tensor v = p(DinoNetwork.LAST_LAYER, "v");
        Tensor weight = v.div(l2Norm(v, 0)); // W = v / ||v|| per output column (weight_norm over dim 0 of [in, out])
        if (!model.normLastLayer()) {
            weight = weight.mul(p(DinoNetwork.LAST_LAYER, "g"));
        }
        return x.matmul(weight).reshape(-1, (long) views * model.outDim());
    }

    /** The L2 norm along {@code dim}, kept as a size-1 dimension. */
    private static Tensor l2Norm(Tensor x, long dim) {
        return x.mul(x).sum(new long[] {dim}, true, new ScalarTypeOptional()).sqrt();
    }

    /** BatchNorm over all crops of the minibatch with the batch's statistics (biased variance), when configured. */
    private Tensor batchNorm(Tensor x, String bn) {
        if (!model.useBnInHead()) {
            return x;
        }
        return torch.batch_norm(x, new TensorOptional(p(HEAD, bn + "G").view(-1)), new TensorOptional(p(HEAD, bn + "B").view(-1)),
                new TensorOptional(), new TensorOptional(), true, 0.1, BATCH_NORM_EPS, true);
    }

    private static Tensor linear(Tensor x, Tensor w, Tensor b) {
        return x.matmul(w).add(b);
    }

    private Tensor layerNorm(Tensor x, Tensor gain, Tensor bias) {
        return torch.layer_norm(x, new long[] {model.embedDim()}, new TensorOptional(gain.view(-1)),
                new TensorOptional(bias.view(-1)), LAYER_NORM_EPS, true);
    }

    /** Frees the parameters and the interpolation matrices; the network is unusable afterwards. */
    @Override
    public void close() {
        parameters.forEach(Tensor::releaseReference);
        interpolations.values().forEach(Tensor::releaseReference);
    }
}
