package io.dinospark.model;

import java.util.Map;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A fine-tuned classifier's linear layer on the backbone's feature, {@code x W + b}: weights {@code [inDim,
 * classes]} N(0, 0.01) and biases 0 at initialisation, as the reference's linear probe. Its parameters are the
 * layer {@link ParameterLayout#CLASSIFIER} of {@link ParameterLayout#classifier}.
 */
public class LinearClassifier extends DinoSameDiffLayer {

    /** The reference's {@code linear.weight.data.normal_(mean=0.0, std=0.01)}. */
    private static final double INIT_STD = 0.01;

    private int inDim;
    private int classes;

    public LinearClassifier() {
    }

    public LinearClassifier(int inDim, int classes) {
        this.inDim = inDim;
        this.classes = classes;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.addWeightParam("W", inDim, classes);
        params.addBiasParam("b", 1, classes);
    }

    @Override
    void initializeParameters(Map<String, INDArray> params, ParamInit init) {
        init.normal("W", params.get("W"), INIT_STD);
        params.get("b").assign(0);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.feedForward(classes);
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable input, Map<String, SDVariable> p, SDVariable mask) {
        return input.mmul(p.get("W")).add(p.get("b"));
    }

    public int getInDim() { return inDim; }
    public void setInDim(int inDim) { this.inDim = inDim; }
    public int getClasses() { return classes; }
    public void setClasses(int classes) { this.classes = classes; }
}
