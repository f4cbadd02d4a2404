package io.dinospark.engine;

import org.nd4j.linalg.api.ndarray.INDArray;

/** The last block's self-attention of a ViT backbone, CLS query over the patches, for global-size images. */
public interface Attention {

    /** Side of the images it takes, in pixels: the global crop size. */
    int imageSize();

    int patchSize();

    /** Patches per side. */
    int grid();

    int heads();

    /**
     * The CLS query's attention over the patches, as maps {@code [B, heads, grid, grid]} (DINO's attention maps).
     *
     * @param images normalised images, {@code [B, 3, size, size]}
     */
    INDArray patchAttention(INDArray images);
}
