package io.dinospark.engine;

import java.util.ServiceLoader;

import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.dinospark.config.DinoConfig;
import io.dinospark.teacher.TeacherState;

/**
 * What runs the student's and the teacher's math ({@code train.engine}). Both engines build the same network from
 * the configuration and the seed, with the same flat parameter layout ({@link io.dinospark.model.ParameterLayout}),
 * so a run's parameters mean the same to either. Methods marked "executor" run inside Spark tasks and keep their
 * networks resident in the executor's JVM between calls. Engines are found by name through {@link ServiceLoader}
 * ({@code META-INF/services/io.dinospark.engine.Engine}), so that the code above the boundary never names one.
 */
public interface Engine {

    /** The engine {@code config}'s {@code train.engine} names. */
    static Engine of(DinoConfig config) {
        return named(config.train().engine());
    }

    /** The engine called {@code name}; an error naming the engines there are when none is. */
    static Engine named(String name) {
        java.util.List<String> found = new java.util.ArrayList<>();
        for (Engine engine : ServiceLoader.load(Engine.class, Engine.class.getClassLoader())) {
            if (engine.name().equals(name)) {
                return engine;
            }
            found.add(engine.name());
        }
        throw new IllegalArgumentException("no engine " + name + " on the classpath; there are " + found);
    }

    /** The engine's {@code train.engine} value. */
    String name();

    /** A new run's student: the network initialised from {@code train.seed} (the same for every engine), optimizer at zero. */
    StudentState initialStudent(DinoConfig config);

    /** Driver: the student trained by parameter averaging over Spark, starting from {@code start}. */
    StudentTrainer studentTrainer(JavaSparkContext sc, DinoConfig config, StudentState start);

    /**
     * Driver: {@code classifier} (a backbone with a linear layer on its feature) fine-tuned with labels by parameter
     * averaging over Spark, starting from {@code start} (parameters in {@link Classifier#layout()}).
     */
    StudentTrainer classifierTrainer(JavaSparkContext sc, Classifier classifier, StudentState start);

    /** One process, no Spark: the student trained one minibatch at a time (the reference loop). */
    LocalStudent localStudent(DinoConfig config, StudentState start);

    /** Executor: the teacher's raw logits on rows of the two global crops {@code [B, 2 * globalLength]}: {@code [B, 2K]}. */
    INDArray teacherLogits(DinoConfig config, TeacherState state, INDArray globalCrops);

    /**
     * Driver: refuses, before any work, a feature {@code kind} that this engine's {@link FeatureNetwork} does not
     * compute. Engines that compute every kind (the default) accept all.
     *
     * @throws UnsupportedOperationException when this engine does not compute {@code kind}, naming the option that
     *                                       asked for it and the engine that computes it
     */
    default void requireFeature(FeatureKind kind) {
    }

    /**
     * The backbone of a network with flat parameters {@code backboneParams} (its first layer's: see
     * {@link io.dinospark.model.ParameterLayout}), whose feature is the last {@code blocks} blocks' output.
     */
    FeatureNetwork features(DinoConfig config, INDArray backboneParams, int blocks);

    /**
     * The last block's attention of a ViT backbone: {@code params} are a whole network's flat parameters, or the
     * backbone's alone (they come first in {@link io.dinospark.model.ParameterLayout}); the rest is not read.
     */
    Attention attention(DinoConfig config, INDArray params);
}
