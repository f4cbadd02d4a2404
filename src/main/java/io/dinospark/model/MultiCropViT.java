package io.dinospark.model;

import java.util.Map;

import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Vision Transformer backbone over packed multi-crop rows (DINO's {@code VisionTransformer}): one CLS feature
 * (after the final LayerNorm) per crop.
 *
 * <p>Pre-norm blocks with multi-head self-attention and a GELU MLP; learned position embeddings for the global
 * crops' grid, interpolated bicubically to other grids; stochastic depth in training (rate rising linearly over
 * depth, one draw per crop and residual branch).
 */
public class MultiCropViT extends MultiCropBackbone {

    static final double LAYER_NORM_EPS = 1e-6;

    private int patchSize;
    private int embedDim;
    private int depth;
    private int numHeads;
    private int mlpHiddenDim;
    private boolean qkvBias;
    private double dropPathRate;
    /** Blocks whose CLS tokens (each after the final LayerNorm) are concatenated into the feature; 1 in training. */
    private int outputBlocks = 1;

    public MultiCropViT() {
    }

    public MultiCropViT(CropLayout crops, int patchSize, int embedDim, int depth, int numHeads, int mlpHiddenDim,
            boolean qkvBias, double dropPathRate) {
        super(crops);
        if (crops.globalSize() % patchSize != 0 || crops.localSize() % patchSize != 0) {
            throw new IllegalArgumentException("crop sizes " + crops.globalSize() + " and " + crops.localSize()
                    + " must be multiples of the patch size " + patchSize);
        }
        if (embedDim % numHeads != 0) {
            throw new IllegalArgumentException("embedDim " + embedDim + " is not divisible by numHeads " + numHeads);
        }
        this.patchSize = patchSize;
        this.embedDim = embedDim;
        this.depth = depth;
        this.numHeads = numHeads;
        this.mlpHiddenDim = mlpHiddenDim;
        this.qkvBias = qkvBias;
        this.dropPathRate = dropPathRate;
    }

    @Override
    public int featureDim() {
        return embedDim * outputBlocks;
    }

    /**
     * This backbone with the CLS tokens of its last {@code blocks} blocks as the feature, each after the final
     * LayerNorm, concatenated oldest first (the reference's {@code get_intermediate_layers}, which its linear probe
     * reads); stochastic depth off. Its parameters are laid out as this one's.
     */
    @Override
    public MultiCropViT forEvaluation(int blocks) {
        if (blocks < 1 || blocks > depth) {
            throw new IllegalArgumentException("a ViT of depth " + depth + " has 1 to " + depth
                    + " blocks to take CLS tokens from, not " + blocks);
        }
        MultiCropViT copy = new MultiCropViT(cropLayout(), patchSize, embedDim, depth, numHeads, mlpHiddenDim, qkvBias, 0.0);
        copy.outputBlocks = blocks;
        return copy;
    }

    /** Patches per side of a global crop: the grid the position embeddings are learned for. */
    int nativeGrid() {
        return getGlobalSize() / patchSize;
    }

    private static String block(int i, String name) {
        return "b" + i + name;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        int grid = nativeGrid();
        params.addWeightParam("cls", 1, embedDim);
        params.addWeightParam("pos", 1 + (long) grid * grid, embedDim);
        params.addWeightParam("patchW", 3L * patchSize * patchSize, embedDim);
        params.addBiasParam("patchB", 1, embedDim);
        for (int i = 0; i < depth; i++) {
            params.addBiasParam(block(i, "ln1g"), 1, embedDim);
            params.addBiasParam(block(i, "ln1b"), 1, embedDim);
            params.addWeightParam(block(i, "qkvW"), embedDim, 3L * embedDim);
            if (qkvBias) {
                params.addBiasParam(block(i, "qkvB"), 1, 3L * embedDim);
            }
            params.addWeightParam(block(i, "projW"), embedDim, embedDim);
            params.addBiasParam(block(i, "projB"), 1, embedDim);
            params.addBiasParam(block(i, "ln2g"), 1, embedDim);
            params.addBiasParam(block(i, "ln2b"), 1, embedDim);
            params.addWeightParam(block(i, "fc1W"), embedDim, mlpHiddenDim);
            params.addBiasParam(block(i, "fc1B"), 1, mlpHiddenDim);
            params.addWeightParam(block(i, "fc2W"), mlpHiddenDim, embedDim);
            params.addBiasParam(block(i, "fc2B"), 1, embedDim);
        }
        params.addBiasParam("normg", 1, embedDim);
        params.addBiasParam("normb", 1, embedDim);
    }

    @Override
    void initializeParameters(Map<String, INDArray> params, ParamInit init) {
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            String name = e.getKey();
            INDArray p = e.getValue();
            if (name.equals("patchW") || name.equals("patchB")) {
                init.uniformFanIn(name, p, 3L * patchSize * patchSize); // PyTorch's Conv2d default
            } else if (name.endsWith("W") || name.equals("cls") || name.equals("pos")) {
                init.truncatedNormal(name, p, 0.02);
            } else if (name.endsWith("g")) {
                p.assign(1);
            } else {
                p.assign(0);
            }
        }
    }

    @Override
    SDVariable cropFeatures(SameDiff sd, SDVariable crops, Map<String, SDVariable> p, CropGroup group, SDVariable mask) {
        int grid = group.size() / patchSize;
        int tokens = 1 + grid * grid;
        SDVariable x = embed(sd, crops, p, grid, tokens);
        SDVariable keep = dropPathRate > 0 ? mask.reshape(-1, group.views(), 2L * depth)
                .get(SDIndex.all(), SDIndex.interval(group.firstView(), group.endView()), SDIndex.all())
                .reshape(-1, 2L * depth) : null;
        SDVariable[] cls = new SDVariable[outputBlocks];
        for (int i = 0; i < depth; i++) {
            x = block(sd, x, p, i, tokens, keep);
            int output = i - (depth - outputBlocks);
            if (output >= 0) {
                // LayerNorm works per token, so normalising the CLS rows alone equals taking them after norm(x).
                SDVariable token = x.reshape(-1, tokens, embedDim).get(SDIndex.all(), SDIndex.point(0), SDIndex.all());
                cls[output] = GraphOps.layerNorm(sd, token, p.get("normg"), p.get("normb"), LAYER_NORM_EPS);
            }
        }
        return outputBlocks == 1 ? cls[0] : sd.concat(1, cls);
    }

    /** Patch embedding, CLS token and (interpolated) position embeddings: tokens as rows, {@code [B' * T, D]}. */
    private SDVariable embed(SameDiff sd, SDVariable images, Map<String, SDVariable> p, int grid, int tokens) {
        SDVariable patches = images.reshape(-1, 3, grid, patchSize, grid, patchSize)
                .permute(0, 2, 4, 1, 3, 5)
                .reshape(-1, 3L * patchSize * patchSize);
        SDVariable patchTokens = GraphOps.linear(patches, p.get("patchW"), p.get("patchB"))
                .reshape(-1, (long) grid * grid, embedDim);
        SDVariable firstToken = patchTokens.get(SDIndex.all(), SDIndex.interval(0, 1), SDIndex.all());
        SDVariable cls = sd.zerosLike(firstToken).add(p.get("cls").reshape(1, 1, embedDim));
        SDVariable x = sd.concat(1, cls, patchTokens);

        int nativeGrid = nativeGrid();
        SDVariable pos = p.get("pos");
        if (grid != nativeGrid) {
            INDArray m = PositionEmbeddingInterpolation.matrix(nativeGrid, nativeGrid, grid, grid, pos.dataType());
            SDVariable clsPos = pos.get(SDIndex.interval(0, 1), SDIndex.all());
            SDVariable patchPos = sd.constant(m).mmul(pos.get(SDIndex.interval(1, 1 + nativeGrid * nativeGrid), SDIndex.all()));
            pos = sd.concat(0, clsPos, patchPos);
        }
        return x.add(pos.reshape(1, tokens, embedDim)).reshape(-1, embedDim);
    }

    /** One pre-norm transformer block on token rows {@code [B' * T, D]}. */
    private SDVariable block(SameDiff sd, SDVariable x, Map<String, SDVariable> p, int i, int tokens, SDVariable keep) {
        SDVariable h = GraphOps.layerNorm(sd, x, p.get(block(i, "ln1g")), p.get(block(i, "ln1b")), LAYER_NORM_EPS);
        SDVariable attn = GraphOps.linear(attention(sd, h, p, i, tokens), p.get(block(i, "projW")), p.get(block(i, "projB")));
        x = x.add(dropPath(attn, keep, 2 * i, tokens));

        h = GraphOps.layerNorm(sd, x, p.get(block(i, "ln2g")), p.get(block(i, "ln2b")), LAYER_NORM_EPS);
        h = GraphOps.gelu(sd, GraphOps.linear(h, p.get(block(i, "fc1W")), p.get(block(i, "fc1B"))));
        SDVariable mlp = GraphOps.linear(h, p.get(block(i, "fc2W")), p.get(block(i, "fc2B")));
        return x.add(dropPath(mlp, keep, 2 * i + 1, tokens));
    }

    /** Multi-head self-attention before the output projection: {@code softmax(q k^T / sqrt(d)) v}. */
    private SDVariable attention(SameDiff sd, SDVariable h, Map<String, SDVariable> p, int i, int tokens) {
        SDVariable qkv = GraphOps.linear(h, p.get(block(i, "qkvW")), qkvBias ? p.get(block(i, "qkvB")) : null);
        int headDim = embedDim / numHeads;
        SDVariable v = heads(qkv, 2, tokens, headDim);
        return sd.mmul(attentionProbabilities(sd, qkv, tokens), v)
                .reshape(-1, numHeads, tokens, headDim)
                .permute(0, 2, 1, 3)
                .reshape(-1, embedDim);
    }

    /** {@code softmax(q k^T / sqrt(d))} over the keys, {@code [B' * heads, T, T]}, from a block's qkv rows. */
    private SDVariable attentionProbabilities(SameDiff sd, SDVariable qkv, int tokens) {
        int headDim = embedDim / numHeads;
        SDVariable q = heads(qkv, 0, tokens, headDim).mul(1.0 / Math.sqrt(headDim));
        SDVariable k = heads(qkv, 1, tokens, headDim);
        return sd.nn().softmax(sd.mmul(q, k, false, true, false), 2);
    }

    /**
     * Inference only: the last block's attention probabilities of the CLS query over every token, {@code [B, heads,
     * 1 + grid * grid]} (the CLS key first, then the patches row-major), for images at the global crops' size,
     * {@code [B, 3, size, size]}. The same graph code as the forward pass, without stochastic depth: row 0 of
     * what DINO's {@code get_last_selfattention} gives.
     */
    SDVariable lastBlockClsAttention(SameDiff sd, SDVariable images, Map<String, SDVariable> p) {
        int grid = nativeGrid();
        int tokens = 1 + grid * grid;
        SDVariable x = embed(sd, images, p, grid, tokens);
        int last = depth - 1;
        for (int i = 0; i < last; i++) {
            x = block(sd, x, p, i, tokens, null);
        }
        SDVariable h = GraphOps.layerNorm(sd, x, p.get(block(last, "ln1g")), p.get(block(last, "ln1b")), LAYER_NORM_EPS);
        SDVariable qkv = GraphOps.linear(h, p.get(block(last, "qkvW")), qkvBias ? p.get(block(last, "qkvB")) : null);
        return attentionProbabilities(sd, qkv, tokens)
                .reshape(-1, numHeads, tokens, tokens)
                .get(SDIndex.all(), SDIndex.all(), SDIndex.point(0), SDIndex.all());
    }

    /** Part {@code which} (q, k or v) of the qkv rows, as {@code [B' * heads, T, headDim]}. */
    private SDVariable heads(SDVariable qkv, int which, int tokens, int headDim) {
        return qkv.get(SDIndex.all(), SDIndex.interval((long) which * embedDim, (long) (which + 1) * embedDim))
                .reshape(-1, tokens, numHeads, headDim)
                .permute(0, 2, 1, 3)
                .reshape(-1, tokens, headDim);
    }

    /** Residual branch times its per-crop keep factor (0, or 1 / keep probability), when stochastic depth is on. */
    private SDVariable dropPath(SDVariable branch, SDVariable keep, int column, int tokens) {
        if (keep == null) {
            return branch;
        }
        SDVariable factor = keep.get(SDIndex.all(), SDIndex.interval(column, column + 1));
        return branch.reshape(-1, (long) tokens * embedDim).mul(factor).reshape(-1, embedDim);
    }

    /** Drop probability of block {@code i}: linear from 0 to {@code dropPathRate} over depth, as the reference. */
    double dropProbability(int i) {
        return depth == 1 ? dropPathRate : dropPathRate * i / (depth - 1);
    }

    /** Keep factors laid out {@code [B, views, depth, 2]}: per crop, per block, attention then MLP branch. */
    @Override
    INDArray trainingNoise(DataType dataType, long minibatch, long rowWidth) {
        if (dropPathRate <= 0) {
            return null;
        }
        int views = cropLayout().views(rowWidth);
        INDArray uniform = Nd4j.rand(dataType, minibatch, views, depth, 2);
        INDArray keep = Nd4j.createUninitialized(uniform.dataType(), uniform.shape());
        for (int i = 0; i < depth; i++) {
            double drop = dropProbability(i);
            INDArray u = uniform.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(i), NDArrayIndex.all());
            INDArray k = keep.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(i), NDArrayIndex.all());
            k.assign(u.gte(drop).castTo(k.dataType()).muli(1.0 / (1.0 - drop)));
        }
        return keep.reshape(minibatch, (long) views * depth * 2);
    }

    @Override
    INDArray inferenceNoise(DataType dataType, long minibatch, long rowWidth) {
        return dropPathRate <= 0 ? null : Nd4j.ones(dataType, minibatch, (long) cropLayout().views(rowWidth) * depth * 2);
    }

    public int getPatchSize() { return patchSize; }
    public void setPatchSize(int patchSize) { this.patchSize = patchSize; }
    public int getEmbedDim() { return embedDim; }
    public void setEmbedDim(int embedDim) { this.embedDim = embedDim; }
    public int getDepth() { return depth; }
    public void setDepth(int depth) { this.depth = depth; }
    public int getNumHeads() { return numHeads; }
    public void setNumHeads(int numHeads) { this.numHeads = numHeads; }
    public int getMlpHiddenDim() { return mlpHiddenDim; }
    public void setMlpHiddenDim(int mlpHiddenDim) { this.mlpHiddenDim = mlpHiddenDim; }
    public boolean isQkvBias() { return qkvBias; }
    public void setQkvBias(boolean qkvBias) { this.qkvBias = qkvBias; }
    public double getDropPathRate() { return dropPathRate; }
    public int getOutputBlocks() { return outputBlocks; }
    public void setOutputBlocks(int outputBlocks) { this.outputBlocks = outputBlocks; }
    public void setDropPathRate(double dropPathRate) { this.dropPathRate = dropPathRate; }
}
