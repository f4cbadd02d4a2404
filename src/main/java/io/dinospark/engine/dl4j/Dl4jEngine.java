package io.dinospark.engine.dl4j;

import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import io.dinospark.config.DinoConfig;
import io.dinospark.engine.Attention;
import io.dinospark.engine.Classifier;
import io.dinospark.engine.Engine;
import io.dinospark.engine.FeatureKind;
import io.dinospark.engine.FeatureNetwork;
import io.dinospark.engine.LocalStudent;
import io.dinospark.engine.Minibatch;
import io.dinospark.engine.StudentState;
import io.dinospark.engine.StudentTrainer;
import io.dinospark.model.DinoNetwork;
import io.dinospark.model.LastBlockAttention;
import io.dinospark.model.ParameterLayout;
import io.dinospark.teacher.TeacherState;

/**
 * DL4J/ND4J: the network as one {@code MultiLayerNetwork} of SameDiff layers ({@link DinoNetwork}), trained on
 * Spark by {@code SparkDl4jMultiLayer}'s parameter averaging. CPU, and CUDA before Hopper (the {@code cuda} profile).
 */
public final class Dl4jEngine implements Engine {

    @Override
    public String name() {
        return "dl4j";
    }

    @Override
    public StudentState initialStudent(DinoConfig config) {
        return state(DinoNetwork.create(config));
    }

    @Override
    public StudentTrainer studentTrainer(JavaSparkContext sc, DinoConfig config, StudentState start) {
        return new Dl4jStudentTrainer(sc, config.train(), network(DinoNetwork.configuration(config), start), 1);
    }

    /**
     * The classifier of {@link DinoNetwork#classifierConfiguration} through the same parameter averaging; its AdamW
     * state is laid out as DL4J's updater blocks are, the backbone's moments then the classifier's.
     */
    @Override
    public StudentTrainer classifierTrainer(JavaSparkContext sc, Classifier classifier, StudentState start) {
        DinoConfig config = classifier.config();
        return new Dl4jStudentTrainer(sc, config.train(), network(DinoNetwork.classifierConfiguration(config,
                classifier.classes()), start), classifier.backboneLrScale());
    }

    @Override
    public LocalStudent localStudent(DinoConfig config, StudentState start) {
        return new Dl4jLocalStudent(network(DinoNetwork.configuration(config), start));
    }

    @Override
    public INDArray teacherLogits(DinoConfig config, TeacherState state, INDArray globalCrops) {
        return Dl4jTeacher.logits(config, state, globalCrops);
    }

    /** The DL4J backbone gives the CLS feature only: any other kind is refused, naming the option and the torch engine. */
    @Override
    public void requireFeature(FeatureKind kind) {
        Dl4jFeatures.require(kind);
    }

    @Override
    public FeatureNetwork features(DinoConfig config, INDArray backboneParams, int blocks) {
        return new Dl4jFeatures(config, backboneParams, blocks);
    }

    @Override
    public Attention attention(DinoConfig config, INDArray params) {
        MultiLayerNetwork network = new MultiLayerNetwork(DinoNetwork.configuration(config));
        INDArray whole = Nd4j.zeros(DataType.FLOAT, 1, ParameterLayout.of(config).size()); // the head's stay zero: never read
        whole.get(NDArrayIndex.point(0), NDArrayIndex.interval(0, params.length())).assign(params.reshape(-1));
        network.init(whole, false);
        return LastBlockAttention.of(network);
    }

    /**
     * The minibatch as DL4J's DataSet. A single row is sent twice: DL4J M2.1's SameDiff backward fails on a
     * one-row input ({@code strided_slice_bp}), and two copies of a row have the same mean loss, mean gradient and
     * BatchNorm statistics (mean and biased variance) as the row alone, so the update is the one of that row.
     */
    static DataSet dataSet(Minibatch batch) {
        if (batch.size() != 1) {
            return new DataSet(batch.rows(), batch.targets());
        }
        return new DataSet(Nd4j.concat(0, batch.rows(), batch.rows()), Nd4j.concat(0, batch.targets(), batch.targets()));
    }

    /** A network of {@code configuration} holding {@code state}. */
    private static MultiLayerNetwork network(MultiLayerConfiguration configuration, StudentState state) {
        MultiLayerNetwork network = new MultiLayerNetwork(configuration);
        network.init(state.params(), true);
        load(network, state);
        return network;
    }

    /** The network's parameters, AdamW moments (DL4J's updater state view) and iteration count, copied. */
    static StudentState state(MultiLayerNetwork network) {
        return new StudentState(network.params().dup(), network.getUpdater().getStateViewArray().dup(),
                network.getIterationCount());
    }

    static void load(MultiLayerNetwork network, StudentState state) {
        network.setParams(state.params());
        INDArray updater = network.getUpdater().getStateViewArray();
        if (updater.length() != state.optimizer().length()) {
            throw new IllegalArgumentException("the optimizer state holds " + state.optimizer().length()
                    + " values; this network's AdamW needs " + updater.length());
        }
        updater.assign(state.optimizer().reshape(updater.shape()));
        network.setIterationCount((int) state.optimizerSteps());
    }
}
