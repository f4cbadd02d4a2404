package io.dinospark.config;

import static io.dinospark.config.ConfigException.require;

import java.io.Serializable;

/**
 * Online k-NN during training: every {@code knnEvery} steps the teacher's features of a seeded sample of
 * {@code knnTrainImages} labelled training images ({@code data.root}) classify a seeded sample of
 * {@code knnValImages} held-out labelled images ({@code knnValRoot}), by the reference's weighted vote with
 * {@code knnK} neighbours; the accuracy goes into that step's metrics line.
 */
public record EvalConfig(int knnEvery, String knnValRoot, int knnTrainImages, int knnValImages, int knnK)
        implements Serializable {

    public EvalConfig {
        require(knnEvery >= 0, "eval.knn_every", knnEvery, "must be >= 0 (0: off)");
        require(knnEvery == 0 || !knnValRoot.isBlank(), "eval.knn_val_root", "\"" + knnValRoot + "\"",
                "must name labelled held-out images (e.g. data/default/val) when eval.knn_every = " + knnEvery + " > 0");
        require(knnTrainImages > 0, "eval.knn_train_images", knnTrainImages, "must be > 0");
        require(knnValImages > 0, "eval.knn_val_images", knnValImages, "must be > 0");
        require(knnK > 0, "eval.knn_k", knnK, "must be > 0");
    }
}
