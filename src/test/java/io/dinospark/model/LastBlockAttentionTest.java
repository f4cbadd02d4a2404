package io.dinospark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import io.dinospark.TestConfigs;
import io.dinospark.config.Arch;
import io.dinospark.config.ModelConfig;

class LastBlockAttentionTest {

    @Test
    void matchesAPlainJavaViTComputedFromTheParameters() {
        // Stochastic depth on: the attention must still be the inference-mode one.
        MultiLayerNetwork net = DinoNetwork.create(TestConfigs.tinyVit(2, 0.3, true));
        Nd4j.getRandom().setSeed(7);
        // Larger than the init's std 0.02, so the attention is far from uniform and every parameter matters.
        net.setParams(Nd4j.randn(DataType.FLOAT, 1, net.numParams()).muli(1.0));
        LastBlockAttention attention = LastBlockAttention.of(net);
        INDArray images = Nd4j.randn(DataType.FLOAT, 2, 3, 16, 16);

        INDArray got = attention.clsAttention(images);
        assertArrayEquals(new long[] {2, 3, 17}, got.shape());
        MultiCropViT vit = (MultiCropViT) net.getLayerWiseConfigurations().getConf(0).getLayer();
        PlainViTAttention plain = new PlainViTAttention(vit, net.getLayer(0).paramTable());
        double spread = 0;
        for (int b = 0; b < 2; b++) {
            double[][][] image = new double[3][16][16];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 16; y++) {
                    for (int x = 0; x < 16; x++) {
                        image[c][y][x] = images.getDouble(b, c, y, x);
                    }
                }
            }
            double[][] expected = plain.clsAttention(image);
            for (int h = 0; h < 3; h++) {
                double sum = 0;
                for (int t = 0; t < 17; t++) {
                    assertEquals(expected[h][t], got.getDouble(b, h, t), 2e-5, "image " + b + " head " + h + " token " + t);
                    sum += got.getDouble(b, h, t);
                    spread = Math.max(spread, expected[h][t]);
                }
                assertEquals(1.0, sum, 1e-5, "row of image " + b + " head " + h + " sums to 1 over the tokens");
            }
        }
        assertTrue(spread > 4.0 / 17, "attention this far from uniform makes the comparison meaningful: " + spread);

        INDArray maps = attention.patchAttention(images);
        assertArrayEquals(new long[] {2, 3, 4, 4}, maps.shape());
        assertEquals(got.getDouble(1, 2, 1 + 2 * 4 + 3), maps.getDouble(1, 2, 2, 3), 0.0, "patches are row-major");
    }

    /**
     * Hand-set weights: patches embed as +-(mean pixel) in two dimensions, so after LayerNorm a patch is one of two
     * vectors; head 0's CLS query looks for the odd patch's key, head 1's for the others'. One odd patch in an
     * otherwise uniform image then takes nearly all of head 0's attention and nearly none of head 1's.
     */
    @Test
    void aHeadLookingForTheOddPatchFindsIt() {
        ModelConfig model = new ModelConfig(Arch.VIT, 4, 4, 1, 2, 2.0, true, 0.0, List.of(8), 20, 32, 16, false, true);
        MultiLayerNetwork net = DinoNetwork.create(TestConfigs.withModel(model, 0, 16, 8));
        Map<String, INDArray> p = net.getLayer(0).paramTable();
        p.values().forEach(a -> a.assign(0));
        p.get("b0ln1g").assign(1);
        p.get("patchW").getColumn(0).assign(1.0 / 48);
        p.get("patchW").getColumn(1).assign(-1.0 / 48);
        p.get("cls").putScalar(0, 2, 1.0).putScalar(0, 3, -1.0);
        INDArray qkvW = p.get("b0qkvW"); // columns: q (head 0: 0-1, head 1: 2-3), k (4-5, 6-7), v (8-11)
        qkvW.putScalar(2, 0, 5.0).putScalar(0, 4, 1.0);
        qkvW.putScalar(2, 2, -5.0).putScalar(0, 6, 1.0);

        INDArray image = Nd4j.valueArrayOf(new long[] {1, 3, 16, 16}, -1.0f);
        image.get(NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.interval(8, 12), NDArrayIndex.interval(4, 8))
                .assign(1.0);
        INDArray maps = LastBlockAttention.of(net).patchAttention(image);

        assertTrue(maps.getDouble(0, 0, 2, 1) > 0.99, "head 0 on the odd patch: " + maps.getDouble(0, 0, 2, 1));
        assertTrue(maps.getDouble(0, 1, 2, 1) < 1e-4, "head 1 on the odd patch: " + maps.getDouble(0, 1, 2, 1));
        assertEquals(1.0 / 15, maps.getDouble(0, 1, 0, 0), 1e-3, "head 1 spreads over the 15 others");
    }

    @Test
    void aConvBackboneOrAWrongImageSizeIsAClearError() {
        IllegalArgumentException conv = assertThrows(IllegalArgumentException.class,
                () -> LastBlockAttention.of(DinoNetwork.create(TestConfigs.tinyConv(0))));
        assertTrue(conv.getMessage().contains("need a ViT backbone") && conv.getMessage().contains("MultiCropConvNet"),
                conv.getMessage());

        LastBlockAttention attention = LastBlockAttention.of(DinoNetwork.create(TestConfigs.tinyVit(0, 0, true)));
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> attention.clsAttention(Nd4j.zeros(DataType.FLOAT, 1, 3, 8, 8)));
        assertTrue(size.getMessage().contains("[B, 3, 16, 16]") && size.getMessage().contains("[1, 3, 8, 8]"), size.getMessage());
    }
}
