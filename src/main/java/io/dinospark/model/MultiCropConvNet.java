package io.dinospark.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;

/**
 * A small convolutional backbone for cheap CPU runs over packed multi-crop rows: per stage a 3x3 stride-2
 * convolution and GELU, then global average pooling. Any crop size works, so both resolutions share the weights;
 * the output row holds one feature per crop, {@code [B, views * lastChannels]}.
 */
public class MultiCropConvNet extends DinoSameDiffLayer {

    private int globalSize;
    private int localSize;
    private int[] channels;

    public MultiCropConvNet() {
    }

    public MultiCropConvNet(CropLayout crops, List<Integer> channels) {
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("the convolutional backbone needs at least one stage");
        }
        this.globalSize = crops.globalSize();
        this.localSize = crops.localSize();
        this.channels = channels.stream().mapToInt(Integer::intValue).toArray();
    }

    int featureDim() {
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
    public void initializeParameters(Map<String, INDArray> params) {
        for (int s = 0; s < channels.length; s++) {
            long fanIn = 9L * inChannels(s);
            ParamInit.uniformFanIn(params.get("c" + s + "W"), fanIn); // PyTorch's Conv2d default
            ParamInit.uniformFanIn(params.get("c" + s + "B"), fanIn);
        }
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        long width = ((InputType.InputTypeFeedForward) inputType).getSize();
        return InputType.feedForward((long) new CropLayout(globalSize, localSize).views(width) * featureDim());
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable input, Map<String, SDVariable> params, SDVariable mask) {
        CropLayout crops = new CropLayout(globalSize, localSize);
        long width = input.getShape()[1];
        int views = crops.views(width);
        long globalEnd = CropLayout.GLOBAL_CROPS * crops.globalLength();
        List<SDVariable> features = new ArrayList<>();
        features.add(group(sd, input, params, CropLayout.GLOBAL_CROPS, 0, globalEnd, globalSize));
        if (views > CropLayout.GLOBAL_CROPS) {
            features.add(group(sd, input, params, views - CropLayout.GLOBAL_CROPS, globalEnd, width, localSize));
        }
        return features.size() == 1 ? features.get(0) : sd.concat(1, features.toArray(new SDVariable[0]));
    }

    private SDVariable group(SameDiff sd, SDVariable input, Map<String, SDVariable> p, int n, long begin, long end,
            int size) {
        SDVariable x = input.get(SDIndex.all(), SDIndex.interval(begin, end)).reshape(-1, 3, size, size);
        Conv2DConfig conv = Conv2DConfig.builder().kH(3).kW(3).sH(2).sW(2).pH(1).pW(1).dataFormat("NCHW").build();
        for (int s = 0; s < channels.length; s++) {
            SDVariable bias = p.get("c" + s + "B").reshape(channels[s]);
            x = GraphOps.gelu(sd, sd.cnn().conv2d(x, p.get("c" + s + "W"), bias, conv));
        }
        return x.mean(2, 3).reshape(-1, (long) n * featureDim());
    }

    public int getGlobalSize() { return globalSize; }
    public void setGlobalSize(int globalSize) { this.globalSize = globalSize; }
    public int getLocalSize() { return localSize; }
    public void setLocalSize(int localSize) { this.localSize = localSize; }
    public int[] getChannels() { return channels; }
    public void setChannels(int[] channels) { this.channels = channels; }
}
