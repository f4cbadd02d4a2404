package io.dinospark.engine.dl4j;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.api.ndarray.INDArray;

import io.dinospark.config.TrainConfig;
import io.dinospark.engine.Minibatch;
import io.dinospark.engine.StepSettings;
import io.dinospark.engine.StudentState;
import io.dinospark.engine.StudentTrainer;

/**
 * The student (a DINO network, or a fine-tuned classifier) on Spark through DL4J's {@code SparkDl4jMultiLayer}: its
 * parameter-averaging training master runs each partition's minibatches on a worker copy of the network and
 * averages parameters and AdamW's moments.
 */
final class Dl4jStudentTrainer implements StudentTrainer {

    private final SparkDl4jMultiLayer student;
    private final double backboneLrScale;

    /** @param backboneLrScale the backbone's learning rate relative to the step's: 1 for DINO, lower to fine-tune */
    Dl4jStudentTrainer(JavaSparkContext sc, TrainConfig t, MultiLayerNetwork network, double backboneLrScale) {
        this.backboneLrScale = backboneLrScale;
        ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(t.workers(), t.batchSizePerWorker())
                .batchSizePerWorker(t.batchSizePerWorker())
                .averagingFrequency(t.averagingFrequency())
                .workerPrefetchNumBatches(0)
                .saveUpdater(true) // AdamW's moments are averaged with the parameters
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .repartionData(Repartition.Never) // the epoch plan already gives one partition per worker
                .storageLevel(null)
                .build();
        this.student = new SparkDl4jMultiLayer(sc, network, master);
    }

    private MultiLayerNetwork network() {
        return student.getNetwork();
    }

    @Override
    public double fit(JavaRDD<Minibatch> minibatches, StepSettings settings) {
        OptimizerSettings.apply(network(), settings.lr(), settings.weightDecay(), settings.lastLayerFrozen(),
                backboneLrScale);
        student.fit(minibatches.map(Dl4jEngine::dataSet));
        return student.getScore();
    }

    @Override
    public INDArray params() {
        return network().params();
    }

    @Override
    public StudentState state() {
        return Dl4jEngine.state(network());
    }

    @Override
    public void restore(StudentState state) {
        Dl4jEngine.load(network(), state);
    }
}
