package io.dinospark.model;

import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.dinospark.data.RunSeeds;

/**
 * The reference's parameter initialisations, drawn from Java streams seeded by the network's seed, the layer's index
 * and the parameter's name: the same configuration always gives the same network, whatever else ran before in the
 * JVM. (ND4J's own generator does not: two networks built one after the other from one seed came out different.)
 */
final class ParamInit {

    /** {@code trunc_normal_(std=0.02)} truncates at +-2 in absolute value, as the reference does. */
    private static final double TRUNCATION = 2.0;

    private final long networkSeed;
    private final int layerIndex;

    ParamInit(long networkSeed, int layerIndex) {
        this.networkSeed = networkSeed;
        this.layerIndex = layerIndex;
    }

    /** Normal(0, std) truncated to [-2, 2] by redrawing, as timm's {@code trunc_normal_}. */
    void truncatedNormal(String name, INDArray view, double std) {
        fill(name, view, random -> {
            double v;
            do {
                v = random.nextGaussian() * std;
            } while (Math.abs(v) > TRUNCATION);
            return v;
        });
    }

    /** Normal(0, std), as {@code nn.init.normal_}. */
    void normal(String name, INDArray view, double std) {
        fill(name, view, random -> random.nextGaussian() * std);
    }

    /** PyTorch's default for convolutions, linear layers and their biases: Uniform(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
    void uniformFanIn(String name, INDArray view, long fanIn) {
        double bound = 1.0 / Math.sqrt(fanIn);
        fill(name, view, random -> random.nextDouble(-bound, bound));
    }

    /** Fills {@code view} with draws from parameter {@code name}'s own stream. */
    private void fill(String name, INDArray view, ToDoubleFunction<SplittableRandom> draw) {
        SplittableRandom random = new SplittableRandom(RunSeeds.parameterInit(networkSeed, layerIndex, name));
        double[] values = new double[(int) view.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = draw.applyAsDouble(random);
        }
        view.assign(Nd4j.create(values, view.shape(), view.dataType()));
    }
}
