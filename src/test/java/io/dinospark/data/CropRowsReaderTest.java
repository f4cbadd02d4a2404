package io.dinospark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dinospark.LocalSpark;
import io.dinospark.config.ConfigLoader;
import io.dinospark.config.CropConfig;
import io.dinospark.config.Range;
import io.dinospark.model.CropLayout;

/** The executor side of a step, on Spark: images read from storage, decoded, cropped and packed; bad ones skipped. */
class CropRowsReaderTest {

    private static final CropConfig CROPS = new CropConfig(32, new Range(0.4, 1.0), 3, 16, new Range(0.05, 0.4));

    @TempDir
    Path root;

    /** What one worker's batch came to, small enough to collect. */
    record Summary(long rows, long width, List<Long> ids, List<String> skippedReasons, double checksum) implements Serializable {
    }

    @Test
    void aStepBecomesPackedCropRowsAndBadImagesAreSkippedAndCounted() throws IOException {
        new SyntheticImageSet(3, 5).write(root.toString(), 6, 0, 0, false);
        Path train = root.resolve("train");
        Path someJpeg;
        try (Stream<Path> files = Files.walk(train)) {
            someJpeg = files.filter(p -> p.toString().endsWith(".jpg")).findFirst().orElseThrow();
        }
        Path bad = train.resolve(train.toFile().list()[0]);
        Files.write(bad.resolve("empty.jpg"), new byte[0]);
        Files.write(bad.resolve("text.png"), "not an image".getBytes(StandardCharsets.UTF_8));
        byte[] jpeg = Files.readAllBytes(someJpeg);
        Files.write(bad.resolve("truncated.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));

        ImageCatalog catalog = ImageCatalog.list(LocalSpark.get(), ImageSource.files(train.toString(), ImageLayout.IMAGENET));
        assertEquals(21, catalog.count());
        EpochPlan plan = new EpochPlan(catalog, 2, 5, 11, 0);
        List<Summary> first = run(plan);
        assertEquals(first, run(plan), "the same (run seed, epoch, image) must give the same crops");

        long width = new CropLayout(32, 16).rowWidth(3);
        Map<String, Integer> skipped = new TreeMap<>();
        long used = 0;
        for (Summary s : first) {
            assertEquals(width, s.width());
            assertEquals(s.ids().size(), s.rows());
            used += s.rows();
            s.skippedReasons().forEach(r -> skipped.merge(r, 1, Integer::sum));
        }
        // 21 images, 2 steps of 2 x 5: 20 planned; the bad ones among them are skipped, the rest used.
        int planned = 20;
        assertEquals(planned, used + skipped.values().stream().mapToInt(Integer::intValue).sum());
        assertTrue(skipped.keySet().stream().allMatch(r -> List.of("EMPTY", "CORRUPT", "NOT_AN_IMAGE").contains(r)), skipped.toString());
        assertTrue(skipped.size() >= 2, "at least two of the three bad images are planned in this epoch: " + skipped);
        plan.release();
        catalog.release();
    }

    private static List<Summary> run(EpochPlan plan) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(LocalSpark.get().sparkContext());
        SerializableConfiguration hadoop = new SerializableConfiguration(sc.hadoopConfiguration());
        CropRowsReader reader = new CropRowsReader(CROPS, ConfigLoader.defaults().augment(), 11);
        List<Summary> all = new ArrayList<>();
        for (long step = 0; step < plan.steps(); step++) {
            all.addAll(plan.step(step).mapPartitions(images -> {
                List<ImageRef> refs = new ArrayList<>();
                images.forEachRemaining(refs::add);
                CropBatch batch = reader.read(refs, 0, hadoop.value());
                return List.of(new Summary(batch.rows().rows(), batch.rows().columns(),
                        batch.images().stream().map(ImageRef::id).toList(),
                        batch.skipped().stream().map(SkippedImage::reason).toList(),
                        batch.rows().sumNumber().doubleValue())).iterator();
            }).collect());
        }
        return all;
    }

    @Test
    void aParquetTableOfImageBytesTrainsLikeFiles() throws IOException {
        new SyntheticImageSet(2, 3).write(root.toString(), 4, 0, 0, false);
        List<Row> rows = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root.resolve("train"))) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                rows.add(RowFactory.create(Files.readAllBytes(file), file.getParent().getFileName().toString()));
            }
        }
        rows.add(RowFactory.create("not an image".getBytes(StandardCharsets.UTF_8), "broken"));
        StructType schema = new StructType().add("image", DataTypes.BinaryType).add("label", DataTypes.StringType);
        String table = root.resolve("table.parquet").toString();
        LocalSpark.get().createDataFrame(rows, schema).repartition(3).write().parquet(table);

        ImageCatalog catalog = ImageCatalog.list(LocalSpark.get(), ImageSource.parquet(table, "image", "label", "path"));
        assertEquals(9, catalog.count());
        assertTrue(catalog.images().collect().stream().allMatch(ref -> ref.path().startsWith(table + "#")));
        EpochPlan plan = new EpochPlan(catalog, 3, 3, 2, 0);
        List<Summary> batches = run(plan);
        assertEquals(9, batches.stream().mapToLong(s -> s.rows() + s.skippedReasons().size()).sum());
        assertEquals(List.of("NOT_AN_IMAGE"), batches.stream().flatMap(s -> s.skippedReasons().stream()).toList());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageCatalog.list(LocalSpark.get(), ImageSource.parquet(table, "bytes", "label", "path")));
        assertTrue(e.getMessage().contains("'bytes'") && e.getMessage().contains("[image, label]"), e.getMessage());
        plan.release();
        catalog.release();
    }

    @Test
    void anEmptyBatchHasNoRows() {
        CropRowsReader reader = new CropRowsReader(CROPS, ConfigLoader.defaults().augment(), 1);
        CropBatch batch = reader.read(List.of(ImageRef.file(0, root.resolve("missing.jpg").toString(), null)), 0,
                new org.apache.hadoop.conf.Configuration());
        assertArrayEquals(new long[] {0, new CropLayout(32, 16).rowWidth(3)}, batch.rows().shape());
        assertEquals("UNREADABLE", batch.skipped().get(0).reason());
        assertTrue(batch.skipped().get(0).message().contains("missing.jpg"));
    }
}
