package io.dinospark.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.samediff.AbstractSameDiffLayer;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;

import io.dinospark.config.DinoConfig;

/**
 * Where each parameter of a DINO network sits in its flat parameter vector: the one layout every engine, the EMA
 * teacher, parameter averaging and checkpoints share. Layer after layer; within a layer its weights, then its
 * biases (every 1-D parameter is declared a bias), each in the order the layer declares them, row-major. The
 * layers' {@code defineParameters} are the single definition.
 */
public record ParameterLayout(List<Entry> entries, long size) implements Serializable {

    /** The classifier's linear layer in {@link #classifier}'s layout: it takes the place of the DINO head. */
    public static final int CLASSIFIER = 1;

    /**
     * One parameter tensor.
     *
     * @param layer  the network layer it belongs to ({@link DinoNetwork#BACKBONE}, head, last layer)
     * @param name   its name within the layer, e.g. {@code b0qkvW}
     * @param shape  its shape, row-major
     * @param offset its first element in the flat vector
     * @param decay  true for weights, which get weight decay; false for biases and gains
     */
    public record Entry(int layer, String name, long[] shape, long offset, boolean decay) implements Serializable {

        public long length() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        /** DL4J's name for it, {@code <layer>_<name>}. */
        public String key() {
            return layer + "_" + name;
        }
    }

    public static ParameterLayout of(DinoConfig config) {
        return of(DinoNetwork.configuration(config));
    }

    public static ParameterLayout of(MultiLayerConfiguration configuration) {
        List<Entry> entries = new ArrayList<>();
        long offset = 0;
        for (int layer = 0; layer < configuration.getConfs().size(); layer++) {
            NeuralNetConfiguration conf = configuration.getConf(layer);
            if (!(conf.getLayer() instanceof AbstractSameDiffLayer sd)) {
                continue; // the loss layer: no parameters
            }
            SDLayerParams params = sd.getLayerParams();
            Map<String, long[]> shapes = params.getParamShapes();
            for (String name : params.getParameterKeys()) {
                Entry entry = new Entry(layer, name, shapes.get(name).clone(), offset,
                        params.getWeightParameterKeys().contains(name));
                entries.add(entry);
                offset += entry.length();
            }
        }
        return new ParameterLayout(List.copyOf(entries), offset);
    }

    /**
     * A fine-tuned classifier's ({@link DinoNetwork#classifierConfiguration}): the backbone's entries (the same
     * offsets as in the DINO network), then its {@link LinearClassifier} {@link #CLASSIFIER}, weights {@code
     * [featureDim, classes]} then biases {@code [1, classes]}.
     */
    public static ParameterLayout classifier(DinoConfig config, int classes) {
        if (classes < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
        }
        return of(DinoNetwork.classifierConfiguration(config, classes));
    }

    /** The backbone's entries alone, at their offsets in {@code config}'s DINO network (the backbone comes first). */
    public static ParameterLayout backbone(DinoConfig config) {
        ParameterLayout network = of(config);
        return new ParameterLayout(network.layer(DinoNetwork.BACKBONE), network.length(DinoNetwork.BACKBONE));
    }

    /** The number of values of layer {@code layer}'s entries. */
    public long length(int layer) {
        return layer(layer).stream().mapToLong(Entry::length).sum();
    }

    /** The entry of layer {@code layer}'s parameter {@code name}; an error if there is none. */
    public Entry entry(int layer, String name) {
        for (Entry e : entries) {
            if (e.layer() == layer && e.name().equals(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException("layer " + layer + " has no parameter " + name);
    }

    /** The entries of one layer, in order. */
    public List<Entry> layer(int layer) {
        return entries.stream().filter(e -> e.layer() == layer).toList();
    }
}
