package io.dinospark.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import io.dinospark.engine.Attention;

/**
 * The last block's self-attention of a ViT backbone, CLS query over the tokens, for images at the global crops'
 * size, in inference mode. A small SameDiff graph of its own over a copy of the backbone's parameters, built by
 * the backbone's own graph code ({@link MultiCropViT#lastBlockClsAttention}), so the training graph keeps a
 * single output.
 */
public final class LastBlockAttention implements Attention {

    private static final String IMAGES = "images";

    private final MultiCropViT vit;
    private final SameDiff graph;
    private final String output;
    private final DataType dataType;

    public LastBlockAttention(MultiCropViT vit, Map<String, INDArray> params) {
        this.vit = vit;
        this.graph = SameDiff.create();
        this.dataType = params.get("cls").dataType();
        int size = vit.getGlobalSize();
        SDVariable images = graph.placeHolder(IMAGES, dataType, -1, CropLayout.CHANNELS, size, size);
        Map<String, SDVariable> p = new LinkedHashMap<>();
        params.forEach((name, value) -> p.put(name, graph.constant(name, value.dup())));
        this.output = vit.lastBlockClsAttention(graph, images, p).name();
    }

    /**
     * The attention of a network's backbone, with the network's current parameters.
     *
     * @throws IllegalArgumentException when the backbone is not a ViT
     */
    public static LastBlockAttention of(MultiLayerNetwork network) {
        Layer backbone = network.getLayerWiseConfigurations().getConf(DinoNetwork.BACKBONE).getLayer();
        if (!(backbone instanceof MultiCropViT vit)) {
            throw new IllegalArgumentException("attention maps need a ViT backbone (model.arch = vit, vit_tiny, "
                    + "vit_small or vit_base); this network's backbone is " + backbone.getClass().getSimpleName());
        }
        return new LastBlockAttention(vit, network.getLayer(DinoNetwork.BACKBONE).paramTable());
    }

    /** Side of the images it takes, in pixels: the global crop size. */
    @Override
    public int imageSize() {
        return vit.getGlobalSize();
    }

    @Override
    public int patchSize() {
        return vit.getPatchSize();
    }

    /** Patches per side. */
    @Override
    public int grid() {
        return vit.nativeGrid();
    }

    @Override
    public int heads() {
        return vit.getNumHeads();
    }

    /**
     * Attention probabilities of the CLS query over all tokens, {@code [B, heads, 1 + grid * grid]}: the CLS key
     * first, then the patches row-major. Each row sums to 1.
     *
     * @param images normalised images, {@code [B, 3, size, size]}
     */
    public INDArray clsAttention(INDArray images) {
        long[] expected = {images.size(0), CropLayout.CHANNELS, imageSize(), imageSize()};
        if (images.rank() != 4 || !Arrays.equals(images.shape(), expected)) {
            throw new IllegalArgumentException("images must be [B, 3, " + imageSize() + ", " + imageSize()
                    + "] (the global crop size), got " + Arrays.toString(images.shape()));
        }
        return graph.outputSingle(Map.of(IMAGES, images.castTo(dataType)), output);
    }

    /** Attention of the CLS query over the patches only, as maps {@code [B, heads, grid, grid]} (DINO's attention maps). */
    @Override
    public INDArray patchAttention(INDArray images) {
        INDArray all = clsAttention(images);
        long tokens = all.size(2);
        return all.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(1, tokens)).dup()
                .reshape(all.size(0), heads(), grid(), grid());
    }
}
