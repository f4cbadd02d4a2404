package io.dinospark.model;

import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;

/**
 * A small convolutional backbone for cheap CPU runs over packed multi-crop rows: per stage a 3x3 stride-2
 * convolution and GELU, then global average pooling, so any crop size works with the same weights.
 */
public class MultiCropConvNet extends MultiCropBackbone {

    private int[] channels;

    public MultiCropConvNet() {
    }

    public MultiCropConvNet(CropLayout crops, List<Integer> channels) {
        super(crops);
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("the convolutional backbone needs at least one stage");
        }
        this.channels = channels.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public int featureDim() {
        return channels[channels.length - 1];
    }

    private int inChannels(int stage) {
        return stage == 0 ? CropLayout.CHANNELS : channels[stage - 1];
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        for (int s = 0; s < channels.length; s++) {
            params.addWeightParam("c" + s + "W", 3, 3, inChannels(s), channels[s]);
            params.addBiasParam("c" + s + "B", 1, channels[s]);
        }
    }

    @Override
    void initializeParameters(Map<String, INDArray> params, ParamInit init) {
        for (int s = 0; s < channels.length; s++) {
            long fanIn = 9L * inChannels(s);
            init.uniformFanIn("c" + s + "W", params.get("c" + s + "W"), fanIn); // PyTorch's Conv2d default
            init.uniformFanIn("c" + s + "B", params.get("c" + s + "B"), fanIn);
        }
    }

    /** The convolutional backbone has one feature, its pooled last stage: {@code blocks} must be 1. */
    @Override
    public MultiCropConvNet forEvaluation(int blocks) {
        if (blocks != 1) {
            throw new IllegalArgumentException("the convolutional backbone has one feature (its pooled last stage),"
                    + " so it takes 1 block, not " + blocks);
        }
        MultiCropConvNet copy = new MultiCropConvNet();
        copy.setGlobalSize(getGlobalSize());
        copy.setLocalSize(getLocalSize());
        copy.channels = channels.clone();
        return copy;
    }

    @Override
    SDVariable cropFeatures(SameDiff sd, SDVariable crops, Map<String, SDVariable> p, CropGroup group, SDVariable mask) {
        Conv2DConfig conv = Conv2DConfig.builder().kH(3).kW(3).sH(2).sW(2).pH(1).pW(1).dataFormat("NCHW").build();
        SDVariable x = crops;
        for (int s = 0; s < channels.length; s++) {
            SDVariable bias = p.get("c" + s + "B").reshape(channels[s]);
            x = GraphOps.gelu(sd, sd.cnn().conv2d(x, p.get("c" + s + "W"), bias, conv));
        }
        return x.mean(2, 3);
    }

    public int[] getChannels() { return channels; }
    public void setChannels(int[] channels) { this.channels = channels; }
}
