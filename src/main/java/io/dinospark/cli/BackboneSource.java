package io.dinospark.cli;

import java.io.IOException;

import org.apache.hadoop.conf.Configuration;

import io.dinospark.config.ConfigLoader;
import io.dinospark.eval.TrainedRun;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** Where an evaluation's backbone comes from: a run directory, or a safetensors file under the authors' names. */
final class BackboneSource {

    static final class Choice {
        @Option(names = "--run", required = true, paramLabel = "DIR",
                description = "Run directory (any Hadoop FileSystem URI); its newest checkpoint's teacher is evaluated.")
        String run;

        @Option(names = "--weights", required = true, paramLabel = "FILE",
                description = "Instead of --run: a ViT backbone as a safetensors file under the authors' names (as the"
                        + " released DINO weights are published, or as export writes); the architecture comes from"
                        + " its names and shapes.")
        String weights;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Choice choice;

    @Option(names = "--image-size", paramLabel = "PX",
            description = "With --weights: the evaluation view's side (position embeddings are resampled to its grid)."
                    + " Default: crops.global_size's default, 224. A run evaluates at its own crops.global_size.")
    Integer imageSize;

    /** The run, or the imported backbone as a run without a directory. */
    TrainedRun load(Configuration hadoop) throws IOException {
        if (choice.run != null) {
            if (imageSize != null) {
                throw new IllegalArgumentException("--image-size goes with --weights; a run is evaluated at its own"
                        + " crops.global_size");
            }
            return TrainedRun.load(choice.run, hadoop);
        }
        return imported(choice.weights, imageSize, hadoop);
    }

    /** {@code --weights FILE} at {@code --image-size} (null: the default): the one way a command reads a file. */
    static TrainedRun imported(String weights, Integer imageSize, Configuration hadoop) throws IOException {
        int size = imageSize != null ? imageSize : ConfigLoader.defaults().crops().globalSize();
        return TrainedRun.imported(weights, size, hadoop);
    }

    /** The run directory evaluation results are written under; null for imported weights (results are printed). */
    String runDirectory() {
        return choice.run;
    }

    /** What is evaluated, for messages. */
    String describe() {
        return choice.run != null ? choice.run : choice.weights;
    }
}
