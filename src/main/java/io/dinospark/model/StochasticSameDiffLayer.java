package io.dinospark.model;

import java.io.OutputStream;
import java.io.PrintStream;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's SameDiff layer with the three additions {@link DinoSameDiffLayer} describes. DL4J runs a SameDiff layer's
 * forward pass twice in training (once for the activations, once inside the gradient calculation), so noise drawn
 * inside the graph would differ between the two; here it is drawn outside and fed through the mask input. It also
 * corrects DL4J's doubled SameDiff gradients.
 */
final class StochasticSameDiffLayer extends SameDiffLayer {

    private static final Object QUIET = new Object();

    private long builtWidth = -1;
    private INDArray noise;

    StochasticSameDiffLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private DinoSameDiffLayer config() {
        return (DinoSameDiffLayer) layerConf();
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        long width = input.size(1);
        if (width != builtWidth) {
            sameDiff = null; // the graph unpacks rows of one width; build it again for this one
            builtWidth = width;
        }
        // The noise outlives this pass's workspaces: the backward pass feeds it again.
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            noise = training ? config().trainingNoise(input.dataType(), input.size(0), width)
                    : config().inferenceNoise(input.dataType(), input.size(0), width);
        }
        maskArray = noise;
        return super.activate(training, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (sameDiff != null && !sameDiff.hasGradientFunction()) {
            createGradientFunctionQuietly();
        }
        maskArray = noise;
        // DL4J M2.1's SameDiff layers return twice the gradient (parameters and input alike): the external error
        // reaches the output twice. Halving the incoming error undoes it; the network gradient check pins this.
        Pair<Gradient, INDArray> result = super.backpropGradient(epsilon.mul(0.5), workspaceMgr);
        if (config().frozen()) {
            gradients.assign(0);
        }
        return result;
    }

    /**
     * SameDiff prints a line per differentiated op to standard output; a ViT has thousands. One layer at a time per
     * JVM mutes it (Spark runs several tasks per executor), so that standard output is always restored.
     */
    private void createGradientFunctionQuietly() {
        synchronized (QUIET) {
            PrintStream out = System.out;
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                System.setOut(new PrintStream(OutputStream.nullOutputStream()));
                sameDiff.createGradFunction(INPUT_KEY);
            } finally {
                System.setOut(out);
            }
        }
    }
}
