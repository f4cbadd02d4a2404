package io.dinospark.data;

import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.zip.GZIPInputStream;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Converts Fashion-MNIST's gzipped IDX files (as Debian's {@code dataset-fashion-mnist} installs them) into an
 * ImageNet-layout tree of 28x28 greyscale PNGs: {@code <out>/train/<class>/<index>.png} from {@code train-*} and
 * {@code <out>/val/<class>/<index>.png} from {@code t10k-*}, where index is the image's position in its IDX file.
 * On request, the training images after those of {@code train/} go to {@code <out>/holdout/}: labelled images that
 * training never sees and that are not the val split a run reports on, for choosing settings.
 */
public final class FashionMnist {

    /** Where {@code apt-get install dataset-fashion-mnist} puts the four files. */
    public static final String DEFAULT_DIRECTORY = "/usr/share/datasets/fashion-mnist";
    /** Class folders in label order; the leading digit keeps that order when folders are sorted by name. */
    public static final List<String> CLASS_FOLDERS = List.of("0-tshirt_top", "1-trouser", "2-pullover", "3-dress",
            "4-coat", "5-sandal", "6-shirt", "7-sneaker", "8-bag", "9-ankle_boot");

    private static final int IMAGES_MAGIC = 0x00000803; // unsigned bytes, 3 dimensions
    private static final int LABELS_MAGIC = 0x00000801; // unsigned bytes, 1 dimension

    private FashionMnist() {
    }

    /**
     * Writes both splits under {@code out} (any Hadoop URI), replacing the class folders of an earlier run.
     *
     * @param sourceDirectory the folder holding {@code {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz}
     * @param limitPerSplit   at most this many images per split, the first ones of each file; 0 for all (all but
     *                        the held-out ones for train)
     * @param holdout         this many training images after the first {@code limitPerSplit} go to
     *                        {@code holdout/} (0: no holdout split)
     * @param writeIndex      also write {@code <out>/<split>/index.tsv}
     * @throws FileNotFoundException if the directory or one of its files is missing
     * @throws IOException           if a file is not a valid IDX file (naming it), or writing fails
     */
    public static WrittenImageSet write(String sourceDirectory, String out, int limitPerSplit, int holdout,
            boolean writeIndex) throws IOException {
        if (limitPerSplit < 0) {
            throw new IllegalArgumentException("limit per split must be >= 0 (0 = all images), got " + limitPerSplit);
        }
        if (holdout < 0) {
            throw new IllegalArgumentException("held-out images must be >= 0 (0 = no holdout split), got " + holdout);
        }
        Path source = new Path(sourceDirectory);
        FileSystem sourceFs = source.getFileSystem(new Configuration());
        if (!sourceFs.exists(source)) {
            throw new FileNotFoundException("Fashion-MNIST directory " + sourceDirectory + " does not exist; install"
                    + " it with `apt-get install dataset-fashion-mnist` (it goes to " + DEFAULT_DIRECTORY
                    + ") or pass the directory that holds the four *-ubyte.gz files");
        }
        // All four files are checked before anything is written, so that a missing one leaves an earlier tree whole.
        for (String prefix : List.of("train", "t10k")) {
            requireFile(sourceFs, imagesFile(source, prefix));
            requireFile(sourceFs, labelsFile(source, prefix));
        }
        ImageSetWriter writer = new ImageSetWriter(out, writeIndex);
        convert(sourceFs, source, "train", "train", limitPerSplit, holdout, writer);
        convert(sourceFs, source, "t10k", "val", limitPerSplit, 0, writer);
        return writer.finish(CLASS_FOLDERS);
    }

    /**
     * The first {@code limit} images (0: all but the held-out ones) to {@code split}, the next {@code holdout} to
     * {@code holdout/}.
     */
    private static void convert(FileSystem fs, Path source, String prefix, String split, int limit, int holdout,
            ImageSetWriter writer) throws IOException {
        Path imagesFile = imagesFile(source, prefix);
        Path labelsFile = labelsFile(source, prefix);
        writer.clear(split, CLASS_FOLDERS);
        if (holdout > 0) {
            writer.clear(WrittenImageSet.HOLDOUT, CLASS_FOLDERS);
        }
        try (DataInputStream images = open(fs, imagesFile); DataInputStream labels = open(fs, labelsFile)) {
            expectMagic(images, IMAGES_MAGIC, imagesFile);
            int count = nonNegative(readHeaderInt(images, imagesFile), "image count", imagesFile);
            int rows = side(readHeaderInt(images, imagesFile), "rows", imagesFile);
            int cols = side(readHeaderInt(images, imagesFile), "columns", imagesFile);
            expectMagic(labels, LABELS_MAGIC, labelsFile);
            int labelCount = nonNegative(readHeaderInt(labels, labelsFile), "label count", labelsFile);
            if (labelCount != count) {
                throw new IOException(labelsFile + " holds " + labelCount + " labels but " + imagesFile + " holds "
                        + count + " images; expected one label per image (are both files from the same split?)");
            }
            int n = limit == 0 ? count - holdout : Math.min(limit, count - holdout);
            if (n < 0) {
                throw new IOException(imagesFile + " holds " + count + " images; expected at least the " + holdout
                        + " to hold out");
            }
            byte[] pixels = new byte[rows * cols];
            for (int i = 0; i < n + holdout; i++) {
                readFully(images, pixels, imagesFile, i, count);
                int label = readLabel(labels, labelsFile, i, count);
                BufferedImage image = new BufferedImage(cols, rows, BufferedImage.TYPE_BYTE_GRAY);
                image.getRaster().setDataElements(0, 0, cols, rows, pixels);
                writer.write(i < n ? split : WrittenImageSet.HOLDOUT, CLASS_FOLDERS.get(label), i + ".png",
                        ImageSetWriter.png(image));
            }
        }
    }

    private static Path imagesFile(Path source, String prefix) {
        return new Path(source, prefix + "-images-idx3-ubyte.gz");
    }

    private static Path labelsFile(Path source, String prefix) {
        return new Path(source, prefix + "-labels-idx1-ubyte.gz");
    }

    private static void requireFile(FileSystem fs, Path file) throws IOException {
        if (!fs.exists(file)) {
            throw new FileNotFoundException(file + " does not exist; the Fashion-MNIST directory must hold"
                    + " {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz as `apt-get install dataset-fashion-mnist`"
                    + " installs them");
        }
    }

    private static DataInputStream open(FileSystem fs, Path file) throws IOException {
        InputStream raw = fs.open(file);
        try {
            return new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw, 1 << 16)));
        } catch (IOException e) {
            raw.close();
            throw new IOException(file + " is not gzip-compressed (" + e.getMessage() + "); expected the .gz file"
                    + " as distributed", e);
        }
    }

    private static void expectMagic(DataInputStream in, int magic, Path file) throws IOException {
        int found = readHeaderInt(in, file);
        if (found != magic) {
            throw new IOException(file + " starts with magic number 0x" + String.format("%08x", found)
                    + "; expected 0x" + String.format("%08x", magic) + " (IDX " + (magic == IMAGES_MAGIC
                            ? "images: unsigned bytes, 3 dimensions" : "labels: unsigned bytes, 1 dimension") + ")");
        }
    }

    private static int readHeaderInt(DataInputStream in, Path file) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new IOException(file + " ends inside its IDX header; expected a complete IDX file", e);
        }
    }

    private static int nonNegative(int value, String what, Path file) throws IOException {
        if (value < 0) {
            throw new IOException(file + " declares " + what + " " + value + "; expected a count >= 0");
        }
        return value;
    }

    private static int side(int value, String what, Path file) throws IOException {
        if (value <= 0 || value > ImageDecoder.MAX_SIDE) {
            throw new IOException(file + " declares " + what + " " + value + "; expected 1 to "
                    + ImageDecoder.MAX_SIDE + " (28 for Fashion-MNIST)");
        }
        return value;
    }

    private static void readFully(DataInputStream in, byte[] pixels, Path file, int index, int count)
            throws IOException {
        try {
            in.readFully(pixels);
        } catch (EOFException e) {
            throw new IOException(file + " ends at image " + index + " of the " + count + " its header declares;"
                    + " expected a complete file (download again?)", e);
        }
    }

    private static int readLabel(DataInputStream in, Path file, int index, int count) throws IOException {
        int label;
        try {
            label = in.readUnsignedByte();
        } catch (EOFException e) {
            throw new IOException(file + " ends at label " + index + " of the " + count + " its header declares;"
                    + " expected a complete file (download again?)", e);
        }
        if (label >= CLASS_FOLDERS.size()) {
            throw new IOException(file + " gives label " + label + " at index " + index + "; expected 0 to "
                    + (CLASS_FOLDERS.size() - 1));
        }
        return label;
    }
}
