package io.dinospark.eval;

import java.util.List;

import org.apache.spark.sql.SparkSession;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dinospark.config.DinoConfig;
import io.dinospark.config.EvalConfig;
import io.dinospark.data.ImageSource;
import io.dinospark.data.RunSeeds;

/**
 * k-NN of the teacher during training ({@code eval.*}): the two labelled samples are listed once, when the run
 * starts, so that a missing or unlabelled set fails before the first step; each evaluation extracts their features
 * with the current teacher on the executors and votes with {@code eval.knn_k} neighbours.
 */
public final class OnlineKnn {

    private static final Logger LOG = LoggerFactory.getLogger(OnlineKnn.class);
    private static final int BATCH_SIZE = 128;

    private final DinoConfig config;
    private final KnnEvaluation knn;

    private OnlineKnn(DinoConfig config, KnnEvaluation knn) {
        this.config = config;
        this.knn = knn;
    }

    /** The online k-NN of {@code config}'s {@code eval} section; call only when {@code eval.knn_every > 0}. */
    public static OnlineKnn create(SparkSession spark, DinoConfig config) {
        EvalConfig e = config.eval();
        long seed = RunSeeds.evaluationSample(config.train().seed());
        ImageSource training = ImageSource.of(config.data());
        LabelledSet train = LabelledSet.list(spark, training, "online k-NN train (data.root)").sample(e.knnTrainImages(), seed);
        LabelledSet val = LabelledSet.list(spark, training.at(e.knnValRoot()), "online k-NN val (eval.knn_val_root)")
                .sample(e.knnValImages(), seed);
        LOG.info("online k-NN every {} steps: {} train images of {}, {} val images of {}, k {}", e.knnEvery(),
                train.count(), training.root(), val.count(), e.knnValRoot(), e.knnK());
        return new OnlineKnn(config, new KnnEvaluation(train, val, config.crops().globalSize(), config.augment(),
                BATCH_SIZE, List.of(e.knnK()), KnnEvaluation.DEFAULT_TEMPERATURE));
    }

    /**
     * True if the online k-NN runs after the step that leaves the run at {@code nextStep}: the first step (a
     * baseline: with the learning rate warming up from 0 the teacher is still the initial network) and every
     * {@code eval.knn_every} steps.
     */
    public boolean due(long nextStep) {
        return nextStep == 1 || nextStep % config.eval().knnEvery() == 0;
    }

    /** Top-1 and top-5 of the teacher with parameters {@code teacherParams}. */
    public KnnEvaluation.Row evaluate(INDArray teacherParams) {
        return knn.evaluate(FeatureModel.backbone(FeatureModel.TEACHER, config, teacherParams, 1)).get(0);
    }
}
