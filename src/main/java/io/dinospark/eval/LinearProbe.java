package io.dinospark.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference's linear probe ({@code eval_linear.py}) on frozen features: one linear layer with softmax
 * cross-entropy, SGD with momentum 0.9 (DL4J's Nesterov form), no weight decay, a cosine learning rate over the
 * epochs, weights N(0, 0.01), biases 0. The features are extracted once and cached on the executors as
 * minibatches; DL4J's parameter averaging trains it there (each worker runs SGD over its share of an epoch, then
 * parameters and momentum are averaged: one Spark job per epoch, which a convex problem tolerates well); the val
 * set is scored on the executors too, so only the layer's weights and two counts reach the driver.
 */
public final class LinearProbe {

    private static final Logger LOG = LoggerFactory.getLogger(LinearProbe.class);

    /**
     * @param lr        peak learning rate for a total batch of 256 (scaled by workers x batch / 256, as the reference)
     * @param batchSize examples per worker minibatch
     */
    public record Settings(int epochs, double lr, int batchSize, int workers) {
        public Settings {
            if (epochs <= 0 || !(lr > 0) || batchSize <= 0 || workers <= 0) {
                throw new IllegalArgumentException("linear probe settings must be positive: epochs " + epochs + ", lr "
                        + lr + ", batch " + batchSize + ", workers " + workers);
            }
        }
    }

    /** Top-1 and top-5 accuracy on the val features, fractions. */
    public record Accuracy(double top1, double top5) {
    }

    private LinearProbe() {
    }

    /** Trains the probe on {@code train}'s features and scores it on {@code val}'s; both must be labelled. */
    public static Accuracy trainAndScore(JavaRDD<ImageFeature> train, JavaRDD<ImageFeature> val, LabelIndex labels,
            Settings settings) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(train.context());
        Broadcast<LabelIndex> classes = sc.broadcast(labels);
        int batch = settings.batchSize();
        // Image listings are in class order: spread every partition over all of them, then shuffle each, so that a
        // minibatch mixes the classes as the reference's shuffling loader does.
        JavaRDD<DataSet> minibatches = train.repartition(Math.max(settings.workers(), train.getNumPartitions()))
                .mapPartitionsWithIndex((partition, features) -> minibatches(features, classes.value(), batch,
                        new Random(partition)), false)
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            long count = minibatches.count();
            if (count == 0) {
                throw new IllegalArgumentException("the linear probe has no training features");
            }
            int dim = (int) minibatches.first().getFeatures().columns();
            MultiLayerNetwork net = new MultiLayerNetwork(configuration(dim, labels.size(), settings.lr()));
            net.init();
            int perWorker = (int) Math.max(1, (count + settings.workers() - 1) / settings.workers());
            ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(settings.workers(), batch)
                    .batchSizePerWorker(batch)
                    .averagingFrequency(perWorker) // once per epoch
                    .workerPrefetchNumBatches(0)
                    .saveUpdater(true) // momentum is averaged with the weights
                    .rddTrainingApproach(RDDTrainingApproach.Direct)
                    .storageLevel(null) // the minibatches are already cached
                    .build();
            SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(sc, net, master);
            double peak = settings.lr() * settings.workers() * batch / 256.0;
            for (int epoch = 0; epoch < settings.epochs(); epoch++) {
                double lr = 0.5 * peak * (1 + Math.cos(Math.PI * epoch / settings.epochs())); // cosine to 0, per epoch
                spark.getNetwork().setLearningRate(lr);
                spark.fit(minibatches);
                LOG.info("linear probe epoch {}/{}: lr {}, loss {}", epoch + 1, settings.epochs(), lr, spark.getScore());
            }
            return score(val, spark.getNetwork().getParam("0_W").dup(), spark.getNetwork().getParam("0_b").dup(),
                    classes);
        } finally {
            minibatches.unpersist();
            classes.destroy();
        }
    }

    /**
     * The accuracy of the linear layer {@code x weights + bias} ({@code [dim, classes]}, {@code [1, classes]}) on
     * labelled features, scored on the executors: a probe's, or a fine-tuned classifier's on its backbone's features.
     */
    public static Accuracy score(JavaRDD<ImageFeature> val, INDArray weights, INDArray bias, LabelIndex labels) {
        Broadcast<LabelIndex> classes = JavaSparkContext.fromSparkContext(val.context()).broadcast(labels);
        try {
            return score(val, weights, bias, classes);
        } finally {
            classes.destroy();
        }
    }

    /** As {@link #score(JavaRDD, INDArray, INDArray, LabelIndex)}, with the labels' broadcast the caller owns. */
    private static Accuracy score(JavaRDD<ImageFeature> val, INDArray weights, INDArray bias,
            Broadcast<LabelIndex> classes) {
        Broadcast<INDArray[]> layer = JavaSparkContext.fromSparkContext(val.context())
                .broadcast(new INDArray[] {weights, bias});
        long[] correct;
        try {
            correct = val.mapPartitions(features -> List.of(score(features, layer.value(), classes.value())).iterator())
                    .fold(new long[3], (a, b) -> new long[] {a[0] + b[0], a[1] + b[1], a[2] + b[2]});
        } finally {
            layer.destroy();
        }
        if (correct[2] == 0) {
            throw new IllegalArgumentException("no val features to score");
        }
        return new Accuracy((double) correct[0] / correct[2], (double) correct[1] / correct[2]);
    }

    static MultiLayerConfiguration configuration(int dim, int classes, double lr) {
        return new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .updater(new Nesterovs(lr, 0.9))
                .list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(dim).nOut(classes)
                        .activation(Activation.SOFTMAX).weightInit(new NormalDistribution(0, 0.01)).biasInit(0).build())
                .build();
    }

    /** A partition's features in shuffled minibatches of {@code batch} (the last one smaller). */
    private static Iterator<DataSet> minibatches(Iterator<ImageFeature> features, LabelIndex labels, int batch,
            Random random) {
        List<ImageFeature> all = new ArrayList<>();
        features.forEachRemaining(all::add);
        Collections.shuffle(all, random);
        List<DataSet> out = new ArrayList<>();
        for (int from = 0; from < all.size(); from += batch) {
            List<ImageFeature> chunk = all.subList(from, Math.min(all.size(), from + batch));
            INDArray oneHot = Nd4j.zeros(DataType.FLOAT, chunk.size(), labels.size());
            for (int i = 0; i < chunk.size(); i++) {
                oneHot.putScalar(i, labels.of(chunk.get(i).label()), 1);
            }
            out.add(new DataSet(KnnSearch.matrix(chunk), oneHot));
        }
        return out.iterator();
    }

    /** {top-1 correct, top-5 correct, images} of a partition: scores {@code x W + b}, ranked as {@link KnnVote} ranks. */
    private static long[] score(Iterator<ImageFeature> features, INDArray[] layer, LabelIndex labels) {
        long[] counts = new long[3];
        List<ImageFeature> chunk = new ArrayList<>();
        features.forEachRemaining(chunk::add);
        for (int from = 0; from < chunk.size(); from += 1024) {
            List<ImageFeature> part = chunk.subList(from, Math.min(chunk.size(), from + 1024));
            INDArray scores = KnnSearch.matrix(part).mmul(layer[0]).addiRowVector(layer[1]);
            for (int i = 0; i < part.size(); i++) {
                int rank = KnnVote.rankOf(scores.getRow(i).toDoubleVector(), labels.of(part.get(i).label()));
                counts[0] += rank == 0 ? 1 : 0;
                counts[1] += rank < 5 ? 1 : 0;
                counts[2]++;
            }
        }
        return counts;
    }
}
