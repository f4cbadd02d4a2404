package io.dinospark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dinospark.BrightnessClasses;
import io.dinospark.LocalSpark;
import io.dinospark.TestConfigs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** features end to end: one row per image, the CLS feature or the copy-detection feature (twice as wide). */
class FeaturesCommandTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void writeRunAndImages() throws Exception {
        LocalSpark.get();
        BrightnessClasses.write(dir.resolve("images"), 2, 3, 1, 5);
        Commands.writeRun(dir.resolve("run"), TestConfigs.tinyConv(2), 2); // widths 8, 16: a 16-wide CLS feature
    }

    private static List<Row> export(String name, String... options) {
        String out = dir.resolve(name).toString();
        List<String> args = new ArrayList<>(List.of("features", "--run", dir.resolve("run").toString(), "--images",
                dir.resolve("images/train").toString(), "--out", out));
        args.addAll(List.of(options));
        String[] result = Commands.run(args.toArray(new String[0]));
        assertEquals("0", result[0], result[1]);
        return LocalSpark.get().read().parquet(out).collectAsList();
    }

    @Test
    void theDescriptorSetsTheFeature() {
        List<Row> cls = export("cls");
        List<Row> gem = export("gem", "--descriptor", "cls-gem", "--engine", "torch");
        assertEquals(6, cls.size());
        assertEquals(6, gem.size());
        for (Row r : cls) {
            assertEquals(16, r.getList(r.fieldIndex("feature")).size(), r.toString());
        }
        for (Row r : gem) {
            assertEquals(32, r.getList(r.fieldIndex("feature")).size(), "CLS then GeM: " + r);
        }
    }
}
