package io.dinospark.attention;

import java.util.ArrayList;
import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;

import io.dinospark.data.RgbImage;

/**
 * One image's attention maps: the CLS query's attention over the patches for each head of the last block,
 * {@code grid x grid} values row-major, beside the image (as the network saw it, before normalisation).
 */
public record AttentionMaps(String name, RgbImage image, int grid, float[][] heads) {

    public AttentionMaps {
        for (float[] head : heads) {
            if (head.length != grid * grid) {
                throw new IllegalArgumentException("a head's map needs " + grid * grid + " values, got " + head.length);
            }
        }
    }

    /**
     * The maps of a batch.
     *
     * @param patchAttention {@code [B, heads, grid, grid]}, as {@code LastBlockAttention.patchAttention} gives
     */
    public static List<AttentionMaps> of(List<String> names, List<RgbImage> images, INDArray patchAttention) {
        int heads = (int) patchAttention.size(1);
        int grid = (int) patchAttention.size(2);
        List<AttentionMaps> maps = new ArrayList<>();
        for (int b = 0; b < names.size(); b++) {
            float[][] perHead = new float[heads][];
            for (int h = 0; h < heads; h++) {
                perHead[h] = patchAttention.slice(b).slice(h).dup().reshape(-1).toFloatVector();
            }
            maps.add(new AttentionMaps(names.get(b), images.get(b), grid, perHead));
        }
        return maps;
    }

    /** The heads' average, patch by patch. */
    public float[] mean() {
        float[] mean = new float[grid * grid];
        for (float[] head : heads) {
            for (int i = 0; i < mean.length; i++) {
                mean[i] += head[i] / heads.length;
            }
        }
        return mean;
    }
}
