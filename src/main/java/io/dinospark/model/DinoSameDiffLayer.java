package io.dinospark.model;

import java.util.Collection;
import java.util.Map;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Base of this project's SameDiff layer configurations. Its layers run as {@link StochasticSameDiffLayer}, which
 * adds what DL4J's own SameDiff layer lacks and DINO needs: random noise that is drawn once per training pass and
 * reused by its backward pass (stochastic depth), a graph rebuilt when the row width changes (student rows hold
 * 2 + N crops, teacher rows 2), and a switch that freezes the layer's parameters.
 *
 * <p>Every field of a subclass needs a public getter and setter pair: Spark rebuilds networks from the JSON
 * configuration, and DL4J's JSON silently drops anything else. Helper methods therefore avoid the
 * {@code get}/{@code is} prefixes.
 */
public abstract class DinoSameDiffLayer extends SameDiffLayer {

    protected DinoSameDiffLayer() {
    }

    /**
     * Noise for one training forward pass, fed to the graph through its mask input, or null when the layer has
     * none. Drawn once per pass; the backward pass reuses it.
     */
    INDArray trainingNoise(DataType dataType, long minibatch, long rowWidth) {
        return null;
    }

    /** What the mask input holds outside training: the noise's neutral value, or null when the layer has none. */
    INDArray inferenceNoise(DataType dataType, long minibatch, long rowWidth) {
        return null;
    }

    /** Sets the initial value of every parameter, drawing from {@code init}'s seeded streams. */
    abstract void initializeParameters(Map<String, INDArray> params, ParamInit init);

    /** Unused: {@link #instantiate} initialises with the network's seed through {@link ParamInit}. */
    @Override
    public final void initializeParameters(Map<String, INDArray> params) {
        throw new UnsupportedOperationException("DINO layers are initialised by instantiate, from the network's seed");
    }

    /** True while the layer's parameters must not change: its gradients are zeroed. */
    boolean frozen() {
        return false;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> trainingListeners, int layerIndex, INDArray layerParamsView,
            boolean initializeParams, DataType networkDataType) {
        StochasticSameDiffLayer layer = new StochasticSameDiffLayer(conf, networkDataType);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> paramTable = initializer().init(conf, layerParamsView, false);
        if (initializeParams) {
            initializeParameters(paramTable, new ParamInit(conf.getSeed(), layerIndex));
        }
        layer.setParamTable(paramTable);
        layer.setConf(conf);
        return layer;
    }
}
