package io.dinospark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.DataOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

    private static final int SIDE = 28;

    @TempDir
    Path dir;

    /** Pixel (x, y) of test image i: distinct per image, so that a mixed-up order shows. */
    private static int pixel(int i, int y, int x) {
        return (i * 37 + y * 5 + x * 3) & 0xFF;
    }

    private static void writeIdx(Path source, String prefix, int imagesMagic, int images, int labelsMagic,
            byte[] labels) throws IOException {
        Files.createDirectories(source);
        try (DataOutputStream out = gzip(source.resolve(prefix + "-images-idx3-ubyte.gz"))) {
            out.writeInt(imagesMagic);
            out.writeInt(images);
            out.writeInt(SIDE);
            out.writeInt(SIDE);
            for (int i = 0; i < images; i++) {
                for (int y = 0; y < SIDE; y++) {
                    for (int x = 0; x < SIDE; x++) {
                        out.writeByte(pixel(i, y, x));
                    }
                }
            }
        }
        try (DataOutputStream out = gzip(source.resolve(prefix + "-labels-idx1-ubyte.gz"))) {
            out.writeInt(labelsMagic);
            out.writeInt(labels.length);
            out.write(labels);
        }
    }

    private static DataOutputStream gzip(Path file) throws IOException {
        OutputStream raw = Files.newOutputStream(file);
        return new DataOutputStream(new GZIPOutputStream(raw));
    }

    private Path validSource() throws IOException {
        Path source = dir.resolve("fmnist");
        writeIdx(source, "train", 0x803, 3, 0x801, new byte[] {9, 0, 3});
        writeIdx(source, "t10k", 0x803, 2, 0x801, new byte[] {7, 7});
        return source;
    }

    @Test
    void convertsIdxFilesIntoAnImagenetTreeOfGreyPngs() throws IOException {
        Path source = validSource();
        Path out = dir.resolve("out");
        WrittenImageSet written = FashionMnist.write(source.toString(), out.toUri().toString(), 0, 0, true);
        assertEquals(3, written.images("train"));
        assertEquals(2, written.images("val"));
        assertEquals(FashionMnist.CLASS_FOLDERS, written.classFolders());
        assertEquals(List.of("train/0-tshirt_top/1.png", "train/3-dress/2.png", "train/9-ankle_boot/0.png",
                "train/index.tsv", "val/7-sneaker/0.png", "val/7-sneaker/1.png", "val/index.tsv"), files(out));

        BufferedImage png = ImageIO.read(out.resolve("train/3-dress/2.png").toFile());
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, png.getType());
        assertEquals(SIDE, png.getWidth());
        assertEquals(SIDE, png.getHeight());
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                assertEquals(pixel(2, y, x), png.getRaster().getSample(x, y, 0));
            }
        }
        List<ImageIndexFile.Entry> index = ImageIndexFile.read(out.resolve("train/index.tsv").toString());
        assertEquals(new ImageIndexFile.Entry("9-ankle_boot/0.png", Files.size(out.resolve("train/9-ankle_boot/0.png")),
                "9-ankle_boot"), index.get(0));
        assertEquals(3, index.size());
    }

    @Test
    void limitKeepsTheFirstImagesAndARerunReplacesTheEarlierTree() throws IOException {
        Path source = validSource();
        Path out = dir.resolve("out");
        FashionMnist.write(source.toString(), out.toString(), 0, 0, true);
        WrittenImageSet written = FashionMnist.write(source.toString(), out.toString(), 1, 0, false);
        assertEquals(1, written.images("train"));
        assertEquals(1, written.images("val"));
        // The earlier run's images and indexes are gone, and no checksum files were written.
        assertEquals(List.of("train/9-ankle_boot/0.png", "val/7-sneaker/0.png"), files(out));
    }

    @Test
    void heldOutImagesAreTheTrainingImagesAfterTheLimitAndNeitherTrainNorVal() throws IOException {
        Path source = validSource();
        Path out = dir.resolve("out");
        WrittenImageSet limited = FashionMnist.write(source.toString(), out.toString(), 1, 1, false);
        assertEquals(1, limited.images("train"));
        assertEquals(1, limited.images(WrittenImageSet.HOLDOUT));
        assertEquals(List.of("holdout/0-tshirt_top/1.png", "train/9-ankle_boot/0.png", "val/7-sneaker/0.png"),
                files(out));
        // With no limit, train keeps all but the held-out images.
        WrittenImageSet all = FashionMnist.write(source.toString(), out.toString(), 0, 2, false);
        assertEquals(1, all.images("train"));
        assertEquals(2, all.images(WrittenImageSet.HOLDOUT));
        assertEquals(2, all.images("val"));
        assertEquals(List.of("holdout/0-tshirt_top/1.png", "holdout/3-dress/2.png", "train/9-ankle_boot/0.png",
                "val/7-sneaker/0.png", "val/7-sneaker/1.png"), files(out));

        IOException tooMany = assertThrows(IOException.class,
                () -> FashionMnist.write(source.toString(), out.toString(), 0, 4, false));
        assertTrue(tooMany.getMessage().contains("holds 3 images; expected at least the 4 to hold out"),
                tooMany.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> FashionMnist.write(source.toString(), out.toString(), 0, -1, false));
    }

    @Test
    void wrongMagicNumberNamesTheFileAndTheExpectedValue() throws IOException {
        Path source = dir.resolve("bad");
        writeIdx(source, "train", 0x801, 1, 0x801, new byte[] {1});
        writeIdx(source, "t10k", 0x803, 1, 0x801, new byte[] {1});
        IOException e = assertThrows(IOException.class,
                () -> FashionMnist.write(source.toString(), dir.resolve("out").toString(), 0, 0, false));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz"), e.getMessage());
        assertTrue(e.getMessage().contains("0x00000801") && e.getMessage().contains("expected 0x00000803"),
                e.getMessage());
    }

    @Test
    void countMismatchNamesBothFiles() throws IOException {
        Path source = dir.resolve("bad");
        writeIdx(source, "train", 0x803, 3, 0x801, new byte[] {1, 2});
        writeIdx(source, "t10k", 0x803, 1, 0x801, new byte[] {1});
        IOException e = assertThrows(IOException.class,
                () -> FashionMnist.write(source.toString(), dir.resolve("out").toString(), 0, 0, false));
        assertTrue(e.getMessage().contains("2 labels") && e.getMessage().contains("3 images"), e.getMessage());
        assertTrue(e.getMessage().contains("train-labels-idx1-ubyte.gz"), e.getMessage());
    }

    @Test
    void truncatedImagesFileAndBadLabelAreErrors() throws IOException {
        Path source = dir.resolve("bad");
        writeIdx(source, "train", 0x803, 1, 0x801, new byte[] {10});
        writeIdx(source, "t10k", 0x803, 1, 0x801, new byte[] {1});
        IOException label = assertThrows(IOException.class,
                () -> FashionMnist.write(source.toString(), dir.resolve("out").toString(), 0, 0, false));
        assertTrue(label.getMessage().contains("label 10"), label.getMessage());

        writeIdx(source, "train", 0x803, 1, 0x801, new byte[] {1});
        Path images = source.resolve("train-images-idx3-ubyte.gz");
        try (DataOutputStream out = gzip(images)) {
            out.writeInt(0x803);
            out.writeInt(2); // declares two images, holds one
            out.writeInt(SIDE);
            out.writeInt(SIDE);
            out.write(new byte[SIDE * SIDE]);
        }
        try (DataOutputStream out = gzip(source.resolve("train-labels-idx1-ubyte.gz"))) {
            out.writeInt(0x801);
            out.writeInt(2);
            out.write(new byte[] {1, 1});
        }
        IOException truncated = assertThrows(IOException.class,
                () -> FashionMnist.write(source.toString(), dir.resolve("out").toString(), 0, 0, false));
        assertTrue(truncated.getMessage().contains("ends at image 1 of the 2"), truncated.getMessage());
    }

    @Test
    void missingDirectoryOrFileSaysHowToGetIt() throws IOException {
        FileNotFoundException e = assertThrows(FileNotFoundException.class,
                () -> FashionMnist.write(dir.resolve("nowhere").toString(), dir.resolve("out").toString(), 0, 0, false));
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains("nowhere"), e.getMessage());

        Path source = validSource();
        Files.delete(source.resolve("t10k-labels-idx1-ubyte.gz"));
        FileNotFoundException file = assertThrows(FileNotFoundException.class,
                () -> FashionMnist.write(source.toString(), dir.resolve("out").toString(), 0, 0, false));
        assertTrue(file.getMessage().contains("t10k-labels-idx1-ubyte.gz"), file.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> FashionMnist.write(source.toString(), dir.resolve("out").toString(), -1, 0, false));
    }

    @Test
    void convertsTheFirstImagesOfTheInstalledDataSet() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(Path.of(FashionMnist.DEFAULT_DIRECTORY)),
                "dataset-fashion-mnist is not installed");
        Path out = dir.resolve("real");
        WrittenImageSet written = FashionMnist.write(FashionMnist.DEFAULT_DIRECTORY, out.toUri().toString(), 20, 0, true);
        assertEquals(20, written.images("train"));
        assertEquals(20, written.images("val"));
        List<ImageIndexFile.Entry> train = ImageIndexFile.read(out.resolve("train/index.tsv").toString());
        assertEquals(20, train.size());
        // The first training image of Fashion-MNIST is an ankle boot.
        assertEquals("9-ankle_boot/0.png", train.get(0).path());
        for (ImageIndexFile.Entry entry : train) {
            RgbImage img = ImageDecoder.decode(Files.readAllBytes(out.resolve("train").resolve(entry.path())),
                    entry.path());
            assertEquals(SIDE, img.width());
            assertArrayEquals(channel(img, 0), channel(img, 2));
        }
        assertFalse(files(out).stream().anyMatch(f -> f.endsWith(".crc")));
    }

    private static float[] channel(RgbImage img, int c) {
        int plane = img.width() * img.height();
        float[] out = new float[plane];
        System.arraycopy(img.pixels(), c * plane, out, 0, plane);
        return out;
    }

    /** Every file under root, hidden ones included, as sorted relative paths. */
    static List<String> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }
}
