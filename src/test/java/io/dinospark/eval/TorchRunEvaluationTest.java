package io.dinospark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.dinospark.LocalSpark;
import io.dinospark.TestConfigs;
import io.dinospark.attention.AttentionExport;
import io.dinospark.config.ConfigLoader;
import io.dinospark.config.DataConfig;
import io.dinospark.config.DinoConfig;
import io.dinospark.config.TrainConfig;
import io.dinospark.data.ImageLayout;
import io.dinospark.data.ImageSource;
import io.dinospark.data.SyntheticImageSet;
import io.dinospark.engine.Attention;
import io.dinospark.engine.Engine;
import io.dinospark.engine.FeatureNetwork;
import io.dinospark.train.TrainingRun;

/** A torch-engine run is evaluated like any other: k-NN, features and attention maps of its checkpoint. */
class TorchRunEvaluationTest {

    @TempDir
    Path dir;

    @Test
    void aTorchRunsCheckpointGivesKnnFeaturesAndAttentionAsTheDl4jEngineWould() throws Exception {
        new SyntheticImageSet(3, 5).write(dir.resolve("images").toString(), 8, 4, 0, false);
        DinoConfig c = TestConfigs.tinyVit(2, 0.1, true);
        DinoConfig config = new DinoConfig(c.model(), c.crops(), c.dino(), c.optim(),
                new TrainConfig(10, 4, 42, 2, 1, 0, 1, "stop", "torch", ""), c.augment(),
                new DataConfig(dir.resolve("images/train").toString(), "imagenet", "image", "label", "path"),
                ConfigLoader.defaults().eval());
        String run = dir.resolve("run").toString();
        TrainingRun.run(LocalSpark.get(), config, run, 2, report -> { });

        TrainedRun trained = TrainedRun.load(run, new Configuration());
        assertEquals("torch", trained.config().train().engine());
        FeatureModel teacher = trained.teacher(1);
        LabelledSet train = LabelledSet.list(LocalSpark.get(), ImageSource.files(dir.resolve("images/train").toString(),
                ImageLayout.IMAGENET), "train");
        LabelledSet val = LabelledSet.list(LocalSpark.get(), ImageSource.files(dir.resolve("images/val").toString(),
                ImageLayout.IMAGENET), "val");
        List<KnnEvaluation.Row> rows = new KnnEvaluation(train, val, 16, config.augment(), 4, List.of(5), 0.07)
                .evaluate(teacher);
        assertTrue(rows.get(0).top1() > 1.0 / 3, "k-NN of the torch run's teacher above chance: " + rows);

        // The same parameters read by the other engine give the same k-NN, features and attention.
        DinoConfig asDl4j = TestConfigs.withEngine(trained.config(), "dl4j");
        List<KnnEvaluation.Row> dl4jRows = new KnnEvaluation(train, val, 16, config.augment(), 4, List.of(5), 0.07)
                .evaluate(FeatureModel.backbone(FeatureModel.TEACHER, asDl4j, trained.teacherParams(), 1));
        assertEquals(dl4jRows, rows, "k-NN of the torch run's teacher read by the DL4J engine");
        INDArray views = Nd4j.rand(DataType.FLOAT, 3, 3L * 16 * 16);
        try (FeatureNetwork torch = Engine.of(trained.config()).features(trained.config(), teacher.params(), 2);
                FeatureNetwork dl4j = Engine.of(asDl4j).features(asDl4j, teacher.params(), 2)) {
            assertTrue(torch.features(views).equalsWithEps(dl4j.features(views), 1e-4), "features of the last 2 blocks");
        }
        INDArray images = Nd4j.rand(DataType.FLOAT, 2, 3, 16, 16);
        Attention torchAttention = Engine.of(trained.config()).attention(trained.config(), trained.teacherParams());
        Attention dl4jAttention = Engine.of(asDl4j).attention(asDl4j, trained.teacherParams());
        assertTrue(torchAttention.patchAttention(images).equalsWithEps(dl4jAttention.patchAttention(images), 1e-5),
                "last-block attention maps");

        var checkpoint = AttentionExport.latestCheckpoint(new org.apache.hadoop.fs.Path(run), new Configuration());
        var written = AttentionExport.run(AttentionExport.Network.checkpoint(checkpoint, false, new Configuration()),
                new AttentionExport.Request(AttentionExport.imagesUnder(new org.apache.hadoop.fs.Path(dir.resolve("images/val").toString()), 2,
                        new Configuration()), new org.apache.hadoop.fs.Path(dir.resolve("attention").toString()), 32, 0.6),
                new Configuration());
        assertEquals(2, written.size());
        try (var files = Files.list(Path.of(written.get(0).toUri().getPath()))) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().endsWith(".png")), "attention PNGs");
        }
    }
}
