package io.dinospark.eval;

import java.util.ArrayDeque;
import java.util.Deque;

import org.nd4j.linalg.api.ndarray.INDArray;

import io.dinospark.engine.Engine;
import io.dinospark.engine.FeatureNetwork;

/**
 * The feature networks of an executor JVM, for one broadcast {@link FeatureModel} at a time (the broadcast value is
 * one object per JVM): one network per task running at the same time, built by the run's engine on a task's first
 * batch and lent to later tasks, so an executor's task slots compute side by side instead of queueing for one
 * network (each task's network computes on its own {@code spark.task.cpus}). A new model closes the previous one's
 * networks.
 */
final class ExecutorFeatures {

    private static final Deque<FeatureNetwork> IDLE = new ArrayDeque<>();
    private static FeatureModel loaded;

    private ExecutorFeatures() {
    }

    /** Features of evaluation views {@code [B, 3 * size * size]}: {@code [B, featureDim]}. */
    static INDArray features(FeatureModel model, INDArray views) {
        if (model.isRawPixels()) {
            return views;
        }
        FeatureNetwork network = borrow(model);
        try {
            return network.features(views, model.kind());
        } finally {
            giveBack(model, network);
        }
    }

    private static FeatureNetwork borrow(FeatureModel model) {
        synchronized (IDLE) {
            if (loaded != model) {
                IDLE.forEach(FeatureNetwork::close); // the previous model's memory goes before the next is built
                IDLE.clear();
                loaded = model;
            }
            if (!IDLE.isEmpty()) {
                return IDLE.pop();
            }
        }
        return Engine.of(model.config()).features(model.config(), model.params(), model.blocks());
    }

    private static void giveBack(FeatureModel model, FeatureNetwork network) {
        synchronized (IDLE) {
            if (loaded == model) {
                IDLE.push(network);
                return;
            }
        }
        network.close(); // built for a model that has since been replaced
    }
}
