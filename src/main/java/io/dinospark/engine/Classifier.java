package io.dinospark.engine;

import io.dinospark.config.DinoConfig;
import io.dinospark.model.ParameterLayout;
import java.io.Serializable;

/**
 * What fine-tuning trains: {@code config}'s backbone with a linear layer to {@code classes} scores on its feature
 * ({@link ParameterLayout#classifier}), the backbone learning at {@code backboneLrScale} times the step's rate.
 * Its minibatches ({@link Minibatch}) are one global-size view per row and each view's target class distribution.
 */
public record Classifier(DinoConfig config, int classes, double backboneLrScale) implements Serializable {

    public Classifier {
        if (!(backboneLrScale >= 0 && backboneLrScale <= 1)) {
            throw new IllegalArgumentException("the backbone's learning-rate scale must be in [0, 1], got "
                    + backboneLrScale);
        }
    }

    public ParameterLayout layout() {
        return ParameterLayout.classifier(config, classes);
    }
}
