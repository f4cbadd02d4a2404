package io.dinospark.model;

import java.util.Map;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The DINO head's last layer: bias-free, weight-normalised linear map to the K prototypes,
 * {@code W = g * v / ||v||} per output (PyTorch's {@code weight_norm}). With {@code norm_last_layer} the gain is
 * fixed to 1 and not a parameter. It can be frozen, as DINO does for its first epoch.
 */
public class WeightNormLinear extends DinoSameDiffLayer {

    private int inDim;
    private int outDim;
    private boolean normLastLayer;
    private boolean frozen;

    public WeightNormLinear() {
    }

    public WeightNormLinear(int inDim, int outDim, boolean normLastLayer) {
        this.inDim = inDim;
        this.outDim = outDim;
        this.normLastLayer = normLastLayer;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.addWeightParam("v", inDim, outDim);
        if (!normLastLayer) {
            params.addBiasParam("g", 1, outDim);
        }
    }

    /** As the reference: PyTorch's default Linear init for the direction, gain 1. */
    @Override
    void initializeParameters(Map<String, INDArray> params, ParamInit init) {
        init.uniformFanIn("v", params.get("v"), inDim);
        if (!normLastLayer) {
            params.get("g").assign(1);
        }
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        long views = ((InputType.InputTypeFeedForward) inputType).getSize() / inDim;
        return InputType.feedForward(views * outDim);
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable input, Map<String, SDVariable> p, SDVariable mask) {
        long views = input.getShape()[1] / inDim;
        SDVariable v = p.get("v");
        SDVariable weight = v.div(sd.math().sqrt(v.mul(v).sum(true, 0)));
        if (!normLastLayer) {
            weight = weight.mul(p.get("g"));
        }
        return input.reshape(-1, inDim).mmul(weight).reshape(-1, views * outDim);
    }

    @Override
    boolean frozen() {
        return frozen;
    }

    public int getInDim() { return inDim; }
    public void setInDim(int inDim) { this.inDim = inDim; }
    public int getOutDim() { return outDim; }
    public void setOutDim(int outDim) { this.outDim = outDim; }
    public boolean isNormLastLayer() { return normLastLayer; }
    public void setNormLastLayer(boolean normLastLayer) { this.normLastLayer = normLastLayer; }
    public boolean isFrozen() { return frozen; }
    public void setFrozen(boolean frozen) { this.frozen = frozen; }
}
