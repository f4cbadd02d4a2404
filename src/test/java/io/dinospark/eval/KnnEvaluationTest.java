package io.dinospark.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dinospark.BrightnessClasses;
import io.dinospark.LocalSpark;
import io.dinospark.TestConfigs;
import io.dinospark.config.ConfigLoader;
import io.dinospark.data.ImageLayout;
import io.dinospark.data.ImageSource;

/** k-NN end to end on written images: listing, labels, extraction on the executors, search, vote, results file. */
class KnnEvaluationTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void writeImages() throws IOException {
        BrightnessClasses.write(dir.resolve("images"), 3, 12, 6, 7);
    }

    private static LabelledSet set(String split) {
        return LabelledSet.list(LocalSpark.get(), ImageSource.files(dir.resolve("images/" + split).toString(),
                ImageLayout.IMAGENET), split);
    }

    @Test
    void rawPixelsAndABackboneClassifyImagesAboveChance() throws IOException {
        KnnEvaluation knn = new KnnEvaluation(set("train"), set("val"), 16, ConfigLoader.defaults().augment(), 5,
                List.of(1, 20, 100), 0.07);
        List<KnnEvaluation.Row> rows = knn.evaluate(FeatureModel.rawPixels());
        assertEquals(List.of(1, 20, 100), rows.stream().map(KnnEvaluation.Row::k).toList());
        // 3 classes of one brightness each: the pixels alone are far above chance (1/3).
        assertTrue(rows.get(0).top1() > 0.9, rows.toString());
        assertEquals(rows.get(0).top1(), rows.get(0).top5()); // top 5 looks at min(5, k) = 1 class for k 1 ...
        assertEquals(1.0, rows.get(1).top5()); // ... and 3 classes always fit a top 5 of k 20
        List<KnnEvaluation.Row> random = knn.evaluate(FeatureModel.randomInit(TestConfigs.tinyVit(2, 0.1, true), 1));
        assertEquals("random-init", random.get(0).features());
        assertTrue(random.get(1).top1() > 0.4, random.toString());

        String run = dir.resolve("run").toString();
        EvalResults.writeKnn(run, new EvalResults.Knn(12, rows), new Configuration());
        EvalResults.Knn read = EvalResults.readKnn(run, new Configuration());
        assertEquals(12, read.checkpointStep());
        assertEquals(rows, read.rows());
        String json = java.nio.file.Files.readString(dir.resolve("run/eval/knn.json"));
        assertTrue(json.contains("\"features\" : \"raw-pixels\"") && json.contains("\"top5\""), json);
    }

    @Test
    void unlabelledImagesAreRefusedNamingTheSet() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LabelledSet.list(LocalSpark.get(),
                ImageSource.files(dir.resolve("images/val").toString(), ImageLayout.FLAT), "val"));
        assertTrue(e.getMessage().contains("the val set " + dir.resolve("images/val") + " (layout flat) has 18 of 18 images"
                + " without a label"), e.getMessage());
    }

    @Test
    void aSampleIsSeededAndOfTheAskedSize() {
        LabelledSet train = set("train");
        LabelledSet a = train.sample(10, 3);
        assertEquals(10, a.count());
        assertEquals(a.images().map(i -> i.id()).collect(), train.sample(10, 3).images().map(i -> i.id()).collect());
        assertEquals(36, train.sample(100, 3).count());
    }
}
