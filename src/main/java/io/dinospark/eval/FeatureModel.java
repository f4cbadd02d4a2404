package io.dinospark.eval;

import java.io.Serializable;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import io.dinospark.config.DinoConfig;
import io.dinospark.model.CropLayout;
import io.dinospark.model.DinoNetwork;
import io.dinospark.model.MultiCropBackbone;

/**
 * What turns an image's evaluation view into its feature, as executors receive it: a backbone (its one-layer
 * network's JSON configuration and parameters) or, for the raw-pixel baseline, nothing (the view is the feature).
 *
 * @param name         how results name these features: {@code teacher}, {@code random-init} or {@code raw-pixels}
 * @param backboneJson the backbone network's configuration; null for raw pixels
 * @param params       the backbone's parameters; null for raw pixels
 */
public record FeatureModel(String name, String backboneJson, INDArray params) implements Serializable {

    public static final String TEACHER = "teacher";
    public static final String RANDOM_INIT = "random-init";
    public static final String RAW_PIXELS = "raw-pixels";

    public static FeatureModel rawPixels() {
        return new FeatureModel(RAW_PIXELS, null, null);
    }

    /**
     * The backbone (layer 0) of a DINO network with parameters {@code networkParams}, e.g. a checkpoint's teacher,
     * reading the last {@code blocks} blocks (see {@link MultiCropBackbone#forEvaluation}).
     */
    public static FeatureModel backbone(String name, DinoConfig config, INDArray networkParams, int blocks) {
        MultiLayerConfiguration conf = backboneConfiguration(config, blocks);
        long count = conf.getConf(0).getLayer().initializer().numParams(conf.getConf(0));
        // A MultiLayerNetwork lays its parameters out layer after layer, so layer 0's come first.
        INDArray params = networkParams.reshape(1, -1).get(NDArrayIndex.point(0), NDArrayIndex.interval(0, count))
                .reshape(1, count).dup();
        return new FeatureModel(name, conf.toJson(), params);
    }

    /** The backbone a new run of {@code config} starts from (same architecture, same seed): the random-init baseline. */
    public static FeatureModel randomInit(DinoConfig config, int blocks) {
        return backbone(RANDOM_INIT, config, DinoNetwork.create(config).params(), blocks);
    }

    /** A network of the backbone alone, taking rows of one global-size view. */
    static MultiLayerConfiguration backboneConfiguration(DinoConfig config, int blocks) {
        MultiCropBackbone backbone = DinoNetwork.backbone(config).forEvaluation(blocks);
        long viewWidth = new CropLayout(config.crops().globalSize(), config.crops().localSize()).globalLength();
        return new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .list()
                .layer(backbone)
                .setInputType(InputType.feedForward(viewWidth))
                .build();
    }

    public boolean isRawPixels() {
        return backboneJson == null;
    }
}
