package io.dinospark.engine;

import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.dinospark.config.DinoConfig;
import io.dinospark.engine.dl4j.Dl4jEngine;
import io.dinospark.engine.torch.TorchEngine;
import io.dinospark.teacher.TeacherState;

/**
 * What runs the student's and the teacher's math ({@code train.engine}). Both engines build the same network from
 * the configuration and the seed, with the same flat parameter layout ({@link io.dinospark.model.ParameterLayout}),
 * so a run's parameters mean the same to either. Methods marked "executor" run inside Spark tasks and keep their
 * networks resident in the executor's JVM between calls.
 */
public interface Engine {

    /** The engine {@code config}'s {@code train.engine} names. */
    static Engine of(DinoConfig config) {
        return switch (config.train().engine()) {
            case "dl4j" -> Dl4jEngine.INSTANCE;
            case "torch" -> TorchEngine.INSTANCE;
            default -> throw new IllegalArgumentException("train.engine must be dl4j or torch, got "
                    + config.train().engine());
        };
    }

    /** A new run's student: the network initialised from {@code train.seed} (the same for every engine), optimizer at zero. */
    StudentState initialStudent(DinoConfig config);

    /** Driver: the student trained by parameter averaging over Spark, starting from {@code start}. */
    StudentTrainer studentTrainer(JavaSparkContext sc, DinoConfig config, StudentState start);

    /** One process, no Spark: the student trained one minibatch at a time (the reference loop). */
    LocalStudent localStudent(DinoConfig config, StudentState start);

    /** Executor: the teacher's raw logits on rows of the two global crops {@code [B, 2 * globalLength]}: {@code [B, 2K]}. */
    INDArray teacherLogits(DinoConfig config, TeacherState state, INDArray globalCrops);

    /**
     * The backbone of a network with flat parameters {@code backboneParams} (its first layer's: see
     * {@link io.dinospark.model.ParameterLayout}), whose feature is the last {@code blocks} blocks' output.
     */
    FeatureNetwork features(DinoConfig config, INDArray backboneParams, int blocks);

    /** The last block's attention of the ViT backbone of a network with flat parameters {@code networkParams}. */
    Attention attention(DinoConfig config, INDArray networkParams);
}
