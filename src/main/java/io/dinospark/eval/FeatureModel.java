package io.dinospark.eval;

import java.io.Serializable;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import io.dinospark.config.DinoConfig;
import io.dinospark.engine.Engine;
import io.dinospark.engine.FeatureKind;
import io.dinospark.model.DinoNetwork;
import io.dinospark.model.ParameterLayout;

/**
 * What turns an image's evaluation view into its feature, as executors receive it: a run's backbone (its
 * configuration, which names the engine, the backbone's parameters, and how many blocks the feature reads) or, for
 * the raw-pixel baseline, nothing (the view is the feature).
 *
 * @param name   how results name these features: {@code teacher}, {@code random-init} or {@code raw-pixels}
 * @param config the run's configuration; null for raw pixels
 * @param params the backbone's parameters (the network's first layer); null for raw pixels
 * @param blocks the feature is the output of the last {@code blocks} blocks (ViT: CLS tokens, concatenated)
 * @param kind   which feature the backbone gives ({@link FeatureKind}: CLS or CLS+GeM, one scale or three); raw
 *               pixels are the view whatever the kind (neither GeM nor an average over scales applies to them)
 */
public record FeatureModel(String name, DinoConfig config, INDArray params, int blocks, FeatureKind kind)
        implements Serializable {

    public static final String TEACHER = "teacher";
    public static final String RANDOM_INIT = "random-init";
    public static final String RAW_PIXELS = "raw-pixels";

    public static FeatureModel rawPixels() {
        return new FeatureModel(RAW_PIXELS, null, null, 0, FeatureKind.CLS);
    }

    /**
     * The backbone of a network with flat parameters {@code networkParams}: a checkpoint's teacher, or a fine-tuned
     * classifier ({@link ParameterLayout#classifier}).
     */
    public static FeatureModel backbone(String name, DinoConfig config, INDArray networkParams, int blocks) {
        DinoNetwork.backbone(config).forEvaluation(blocks); // refuses a number of blocks the backbone does not have
        long count = ParameterLayout.of(config).length(DinoNetwork.BACKBONE);
        // The layouts (a DINO network's, a classifier's) put the backbone first.
        INDArray params = networkParams.reshape(1, -1).get(NDArrayIndex.point(0), NDArrayIndex.interval(0, count))
                .reshape(1, count).dup();
        return new FeatureModel(name, config, params, blocks, FeatureKind.CLS);
    }

    /**
     * These features with the backbone giving {@code kind}; raw pixels stay the view. The run's engine refuses here,
     * on the caller's side and before any Spark job, a {@code kind} it does not compute
     * ({@link Engine#requireFeature}: its message names the option and the engine that does).
     */
    public FeatureModel withKind(FeatureKind kind) {
        if (isRawPixels() || kind.equals(this.kind)) {
            return this;
        }
        Engine.of(config).requireFeature(kind);
        return new FeatureModel(name, config, params, blocks, kind);
    }

    /** The backbone a new run of {@code config} starts from (same architecture, same seed): the random-init baseline. */
    public static FeatureModel randomInit(DinoConfig config, int blocks) {
        return backbone(RANDOM_INIT, config, Engine.of(config).initialStudent(config).params(), blocks);
    }

    public boolean isRawPixels() {
        return config == null;
    }
}
