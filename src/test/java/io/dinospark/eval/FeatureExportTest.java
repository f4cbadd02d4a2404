package io.dinospark.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dinospark.LocalSpark;
import io.dinospark.TestConfigs;
import io.dinospark.config.ConfigLoader;
import io.dinospark.data.ImageCatalog;
import io.dinospark.data.ImageLayout;
import io.dinospark.data.ImageSource;
import io.dinospark.data.SyntheticImageSet;

/** Exported features read back equal, with their paths and labels (null without one). */
class FeatureExportTest {

    @TempDir
    Path dir;

    private List<ImageFeature> exportAndCompare(ImageLayout layout) throws Exception {
        new SyntheticImageSet(2, 3).write(dir.resolve("images").toString(), 5, 0, 0, false);
        ImageCatalog catalog = ImageCatalog.list(LocalSpark.get(),
                ImageSource.files(dir.resolve("images/train").toString(), layout));
        var sc = JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());
        var model = sc.broadcast(FeatureModel.randomInit(TestConfigs.tinyVit(2, 0.1, true), 2));
        JavaRDD<ImageFeature> features = FeatureExtractor.extract(catalog.images(), 16, ConfigLoader.defaults().augment(),
                3, model);
        List<ImageFeature> expected = features.collect();
        String table = dir.resolve("features-" + layout).toString();
        assertEquals(10, FeatureExport.write(LocalSpark.get(), features, table), "rows written");
        Map<String, Row> read = FeatureExport.read(LocalSpark.get(), table).collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getString(r.fieldIndex("path")), r -> r));
        assertEquals(10, expected.size());
        assertEquals(10, read.size());
        for (ImageFeature f : expected) {
            Row row = read.get(f.path());
            assertEquals(f.label(), row.getString(row.fieldIndex("label")));
            List<Float> feature = row.getList(row.fieldIndex("feature"));
            float[] values = new float[feature.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = feature.get(i);
            }
            assertEquals(48, values.length); // two blocks of a width-24 ViT
            assertArrayEquals(f.feature(), values);
        }
        assertThrows(Exception.class, () -> FeatureExport.write(LocalSpark.get(), features, table)); // never overwritten
        return expected;
    }

    @Test
    void labelledFeaturesRoundTrip() throws Exception {
        assertEquals(5, exportAndCompare(ImageLayout.IMAGENET).stream().filter(f -> f.label().startsWith("0-")).count());
    }

    @Test
    void unlabelledFeaturesRoundTripWithNullLabels() throws Exception {
        exportAndCompare(ImageLayout.FLAT).forEach(f -> assertNull(f.label()));
    }
}
