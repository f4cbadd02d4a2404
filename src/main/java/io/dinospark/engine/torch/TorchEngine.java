package io.dinospark.engine.torch;

import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.dinospark.config.DinoConfig;
import io.dinospark.engine.Attention;
import io.dinospark.engine.Classifier;
import io.dinospark.engine.Engine;
import io.dinospark.engine.FeatureNetwork;
import io.dinospark.engine.LocalStudent;
import io.dinospark.engine.StudentState;
import io.dinospark.engine.StudentTrainer;
import io.dinospark.engine.dl4j.Dl4jEngine;
import io.dinospark.teacher.TeacherState;

/**
 * libtorch through JavaCPP's PyTorch presets: the same network as the DL4J engine's, parameter for parameter
 * ({@link TorchDinoNetwork}), the reference's AdamW ({@link TorchAdamW}), and parameter averaging through Spark
 * ({@link TorchStudentTrainer}). CPU with the default natives; CUDA 13 GPUs with the {@code torch-gpu} profile's,
 * each task on the GPU Spark assigned it ({@link TorchDevice}).
 */
public final class TorchEngine implements Engine {

    @Override
    public String name() {
        return "torch";
    }

    /** The same initial network as the DL4J engine's (one definition of the initialisation), AdamW at zero. */
    @Override
    public StudentState initialStudent(DinoConfig config) {
        StudentState dl4j = new Dl4jEngine().initialStudent(config);
        return new StudentState(dl4j.params(), TorchArrays.vector(new float[Math.toIntExact(2 * dl4j.params().length())]), 0);
    }

    @Override
    public StudentTrainer studentTrainer(JavaSparkContext sc, DinoConfig config, StudentState start) {
        return new TorchStudentTrainer(sc, new TorchStudent.Spec(config), start);
    }

    @Override
    public StudentTrainer classifierTrainer(JavaSparkContext sc, Classifier classifier, StudentState start) {
        return new TorchStudentTrainer(sc, new TorchClassifier.Spec(classifier), start);
    }

    @Override
    public LocalStudent localStudent(DinoConfig config, StudentState start) {
        TorchStudent student = new TorchStudent(config, TorchDevice.current());
        student.load(start);
        return student;
    }

    @Override
    public INDArray teacherLogits(DinoConfig config, TeacherState state, INDArray globalCrops) {
        TorchTeacher teacher = TorchExecutor.TEACHERS.borrow(config);
        try {
            return teacher.logits(state, globalCrops);
        } finally {
            TorchExecutor.TEACHERS.release(teacher);
        }
    }

    @Override
    public FeatureNetwork features(DinoConfig config, INDArray backboneParams, int blocks) {
        return new TorchFeatures(config, backboneParams, blocks);
    }

    @Override
    public Attention attention(DinoConfig config, INDArray params) {
        return new TorchAttention(config, params);
    }
}
