package io.dinospark.cli;

import io.dinospark.engine.FeatureKind;
import io.dinospark.eval.FeatureModel;
import io.dinospark.eval.TrainedRun;
import picocli.CommandLine.Option;

/**
 * Which feature a command reads off a backbone, which engine computes it, and in what batches: what retrieve, dedupe
 * and features share.
 */
final class FeatureOptions {

    @Option(names = "--descriptor", defaultValue = "cls", paramLabel = "cls|cls-gem",
            description = "What a backbone's vector for an image is: cls, the CLS token after the final norm (the conv"
                    + " backbone: its mean-pooled last stage); or cls-gem, the copy-detection feature of"
                    + " eval_copy_detection.py: the CLS token concatenated with GeM (p = 4) of the last block's patch"
                    + " tokens (the conv backbone: of its last stage's feature map), twice as wide. Raw pixels stay the"
                    + " pixels. Default: ${DEFAULT-VALUE}.")
    String descriptor;

    @Option(names = "--multiscale",
            description = "The reference's multiscale feature (utils.multi_scale, eval_image_retrieval.py --multiscale):"
                    + " the descriptor of the evaluation view at scales 1, 1/sqrt(2) and 1/2 (bilinear), averaged, then"
                    + " L2-normalised. Raw pixels stay the pixels at scale 1.")
    boolean multiscale;

    @Option(names = "--engine", paramLabel = "NAME",
            description = "Compute the features with this engine (torch, dl4j) instead of the one the run's train.engine"
                    + " names: both read the same parameters the same way, and only torch computes --descriptor"
                    + " cls-gem and --multiscale. Default: the run's.")
    String engine;

    @Option(names = "--batch-size", defaultValue = "128", paramLabel = "N",
            description = "Images per feature-extraction batch on an executor. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    /** The run as these options' engine reads it. */
    TrainedRun on(TrainedRun run) {
        return engine == null ? run : run.withEngine(engine);
    }

    FeatureKind kind() {
        return new FeatureKind(FeatureKind.Descriptor.named(descriptor), multiscale);
    }

    /**
     * {@code model} reading this feature; an unknown descriptor, or one its engine does not compute, fails here, before
     * any work. Raw pixels stay the pixels, and say so.
     */
    FeatureModel apply(FeatureModel model) {
        FeatureKind kind = kind();
        if (model.isRawPixels() && !kind.equals(FeatureKind.CLS)) {
            System.out.println("raw-pixels: the evaluation view itself, as always (" + kind.describe()
                    + " applies to the backbones only)");
        }
        return model.withKind(kind);
    }
}
