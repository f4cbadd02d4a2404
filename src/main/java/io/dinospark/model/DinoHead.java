package io.dinospark.model;

import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The DINO head's MLP, applied to each crop's feature: three linear layers with GELU between them, then L2
 * normalisation. With {@code useBn} (the reference's {@code use_bn_in_head}) each hidden layer is batch-normalised
 * over all crops of the minibatch, always with the batch's statistics: the reference's teacher runs in training
 * mode too, and evaluation only uses the backbone. Rows in and out hold one vector per crop:
 * {@code [B, views * inDim]} to {@code [B, views * bottleneckDim]}. The weight-normalised last layer is
 * {@link WeightNormLinear}.
 */
public class DinoHead extends DinoSameDiffLayer {

    /** PyTorch's {@code BatchNorm1d} default. */
    private static final double BATCH_NORM_EPS = 1e-5;

    private int inDim;
    private int hiddenDim;
    private int bottleneckDim;
    private boolean useBn;

    public DinoHead() {
    }

    public DinoHead(int inDim, int hiddenDim, int bottleneckDim, boolean useBn) {
        this.inDim = inDim;
        this.hiddenDim = hiddenDim;
        this.bottleneckDim = bottleneckDim;
        this.useBn = useBn;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.addWeightParam("fc1W", inDim, hiddenDim);
        params.addBiasParam("fc1B", 1, hiddenDim);
        params.addWeightParam("fc2W", hiddenDim, hiddenDim);
        params.addBiasParam("fc2B", 1, hiddenDim);
        params.addWeightParam("fc3W", hiddenDim, bottleneckDim);
        params.addBiasParam("fc3B", 1, bottleneckDim);
        if (useBn) { // 1-D like biases: no weight decay
            for (String bn : List.of("bn1", "bn2")) {
                params.addBiasParam(bn + "G", 1, hiddenDim);
                params.addBiasParam(bn + "B", 1, hiddenDim);
            }
        }
    }

    @Override
    void initializeParameters(Map<String, INDArray> params, ParamInit init) {
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            if (e.getKey().endsWith("W")) {
                init.truncatedNormal(e.getKey(), e.getValue(), 0.02);
            } else {
                e.getValue().assign(e.getKey().endsWith("G") ? 1 : 0);
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
        x = GraphOps.gelu(sd, hidden(sd, GraphOps.linear(x, p.get("fc1W"), p.get("fc1B")), p, "bn1"));
        x = GraphOps.gelu(sd, hidden(sd, GraphOps.linear(x, p.get("fc2W"), p.get("fc2B")), p, "bn2"));
        x = GraphOps.linear(x, p.get("fc3W"), p.get("fc3B"));
        return GraphOps.l2Normalize(sd, x).reshape(-1, views * bottleneckDim);
    }

    private SDVariable hidden(SameDiff sd, SDVariable x, Map<String, SDVariable> p, String bn) {
        return useBn ? GraphOps.batchNorm(sd, x, p.get(bn + "G"), p.get(bn + "B"), BATCH_NORM_EPS) : x;
    }

    public int getInDim() { return inDim; }
    public void setInDim(int inDim) { this.inDim = inDim; }
    public int getHiddenDim() { return hiddenDim; }
    public void setHiddenDim(int hiddenDim) { this.hiddenDim = hiddenDim; }
    public int getBottleneckDim() { return bottleneckDim; }
    public void setBottleneckDim(int bottleneckDim) { this.bottleneckDim = bottleneckDim; }
    public boolean isUseBn() { return useBn; }
    public void setUseBn(boolean useBn) { this.useBn = useBn; }
}
