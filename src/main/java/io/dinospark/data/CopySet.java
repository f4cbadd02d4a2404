package io.dinospark.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A copy-detection benchmark built from any image set, as Copydays is built (originals, their attacked copies,
 * distractors): under {@code out}, {@code database/originals/} (a seeded choice of originals, their bytes as they
 * are), {@code database/distractors/} (a seeded choice of another set, bytes as they are), {@code queries/copies/}
 * ({@link CopyAttacks} of each original), {@code ground-truth.jsonl} (each copy's positive: its original; the
 * format {@code retrieve --ground-truth} reads) and {@code copies.tsv} (copy, original, the original's source path,
 * the attacks). Everything follows from the seed: the same arguments write the same bytes.
 */
public final class CopySet {

    private static final Logger LOG = LoggerFactory.getLogger(CopySet.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final String QUERIES = "queries";
    public static final String DATABASE = "database";
    public static final String GROUND_TRUTH = "ground-truth.jsonl";
    public static final String RECORD = "copies.tsv";
    private static final String COPIES = "copies";
    private static final String ORIGINALS = "originals";
    private static final String DISTRACTORS = "distractors";

    /** What was written. */
    public record Written(int originals, int copies, int distractors, int unreadable) {
    }

    private CopySet() {
    }

    /**
     * @param originals        where the originals are chosen from
     * @param originalCount    how many (all, if the set has fewer)
     * @param copiesPerOriginal copies of each
     * @param distractors      another set, or null for none
     * @param distractorCount  how many of it (all, if it has fewer)
     */
    public static Written write(SparkSession spark, ImageSource originals, long originalCount, int copiesPerOriginal,
            ImageSource distractors, long distractorCount, long seed, String out, boolean index) throws IOException {
        if (originalCount <= 0 || copiesPerOriginal <= 0 || distractorCount < 0) {
            throw new IllegalArgumentException("need --originals > 0, --copies-per-original > 0 and --distractor-count >= 0,"
                    + " got " + originalCount + ", " + copiesPerOriginal + " and " + distractorCount);
        }
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        ImageSetWriter writer = new ImageSetWriter(out, index);
        writer.clear(QUERIES, List.of(COPIES));
        writer.clear(DATABASE, List.of(ORIGINALS, DISTRACTORS));
        List<String> truth = new ArrayList<>();
        List<String> record = new ArrayList<>(List.of("copy\toriginal\tsource\tattacks"));
        int written = 0;
        int copies = 0;
        int unreadable = 0;
        for (ImageRef ref : choose(spark, originals, originalCount, seed)) {
            byte[] bytes = ref.encoded(hadoop);
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            if (image == null) {
                LOG.warn("copies skips original {}: not an image ImageIO reads", ref.path());
                unreadable++;
                continue;
            }
            String original = String.format(Locale.ROOT, "%06d.%s", written, extension(ref.path()));
            writer.write(DATABASE, ORIGINALS, original, bytes);
            List<String> positives = List.of(ORIGINALS + "/" + original);
            for (int c = 0; c < copiesPerOriginal; c++) {
                CopyAttacks.Copy copy = CopyAttacks.attack(image, SeededPermutation.mix(seed * 1_000_003L + written) ^ c * 0x9E3779B97F4A7C15L);
                String name = String.format(Locale.ROOT, "%06d_%d.%s", written, c, copy.extension());
                writer.write(QUERIES, COPIES, name, copy.bytes());
                truth.add(JSON.writeValueAsString(new GroundTruthLine(COPIES + "/" + name, positives)));
                record.add(COPIES + "/" + name + "\t" + positives.get(0) + "\t" + ref.path() + "\t" + copy.attacks());
                copies++;
            }
            written++;
        }
        int distractorsWritten = 0;
        if (distractors != null && distractorCount > 0) {
            for (ImageRef ref : choose(spark, distractors, distractorCount, seed + 1)) {
                writer.write(DATABASE, DISTRACTORS, String.format(Locale.ROOT, "%06d.%s", distractorsWritten++,
                        extension(ref.path())), ref.encoded(hadoop));
            }
        }
        writer.finish(List.of(COPIES, ORIGINALS, DISTRACTORS));
        FileSystem fs = ImageSetWriter.fileSystemFor(new Path(out), hadoop);
        writeLines(fs, new Path(out, GROUND_TRUTH), truth);
        writeLines(fs, new Path(out, RECORD), record);
        return new Written(written, copies, distractorsWritten, unreadable);
    }

    /** A {@code ground-truth.jsonl} line: the copy and its original. */
    record GroundTruthLine(String query, List<String> positives) {
    }

    /** At most {@code n} images of {@code source}, a seeded choice, in path order. */
    private static List<ImageRef> choose(SparkSession spark, ImageSource source, long n, long seed) {
        ImageCatalog catalog = ImageCatalog.list(spark, source);
        long size = catalog.count();
        List<ImageRef> chosen = new ArrayList<>(catalog.images()
                .filter(image -> new SeededPermutation(size, seed).inverse(image.id()) < n).collect());
        catalog.release();
        chosen.sort(Comparator.comparingLong(ImageRef::id));
        return chosen;
    }

    private static String extension(String path) {
        return ImageCatalog.isImageName(path) ? path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "img";
    }

    private static void writeLines(FileSystem fs, Path file, List<String> lines) throws IOException {
        try (OutputStream out = fs.create(file, true)) {
            out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }
}
