package io.dinospark.model;

import java.util.Map;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The DINO head's MLP, applied to each crop's feature: three linear layers with GELU between them (no BatchNorm),
 * then L2 normalisation. Rows in and out hold one vector per crop: {@code [B, views * inDim]} to
 * {@code [B, views * bottleneckDim]}. The weight-normalised last layer is {@link WeightNormLinear}.
 */
public class DinoHead extends DinoSameDiffLayer {

    private int inDim;
    private int hiddenDim;
    private int bottleneckDim;

    public DinoHead() {
    }

    public DinoHead(int inDim, int hiddenDim, int bottleneckDim) {
        this.inDim = inDim;
        this.hiddenDim = hiddenDim;
        this.bottleneckDim = bottleneckDim;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.addWeightParam("fc1W", inDim, hiddenDim);
        params.addBiasParam("fc1B", 1, hiddenDim);
        params.addWeightParam("fc2W", hiddenDim, hiddenDim);
        params.addBiasParam("fc2B", 1, hiddenDim);
        params.addWeightParam("fc3W", hiddenDim, bottleneckDim);
        params.addBiasParam("fc3B", 1, bottleneckDim);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            if (e.getKey().endsWith("W")) {
                ParamInit.truncatedNormal(e.getValue(), 0.02);
            } else {
                e.getValue().assign(0);
            }
        }
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        long views = ((InputType.InputTypeFeedForward) inputType).getSize() / inDim;
        return InputType.feedForward(views * bottleneckDim);
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable input, Map<String, SDVariable> p, SDVariable mask) {
        long views = input.getShape()[1] / inDim;
        SDVariable x = input.reshape(-1, inDim);
        x = GraphOps.gelu(sd, GraphOps.linear(x, p.get("fc1W"), p.get("fc1B")));
        x = GraphOps.gelu(sd, GraphOps.linear(x, p.get("fc2W"), p.get("fc2B")));
        x = GraphOps.linear(x, p.get("fc3W"), p.get("fc3B"));
        return GraphOps.l2Normalize(sd, x).reshape(-1, views * bottleneckDim);
    }

    public int getInDim() { return inDim; }
    public void setInDim(int inDim) { this.inDim = inDim; }
    public int getHiddenDim() { return hiddenDim; }
    public void setHiddenDim(int hiddenDim) { this.hiddenDim = hiddenDim; }
    public int getBottleneckDim() { return bottleneckDim; }
    public void setBottleneckDim(int bottleneckDim) { this.bottleneckDim = bottleneckDim; }
}
