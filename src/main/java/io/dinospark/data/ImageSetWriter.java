package io.dinospark.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * Writes an ImageNet-layout tree {@code <root>/<split>/<class folder>/<file>} through Hadoop's FileSystem, so the
 * root may be any Hadoop URI, and collects each split's {@link ImageIndexFile} entries as it goes.
 */
public final class ImageSetWriter {

    private final Path root;
    private final FileSystem fs;
    /** Set when the root is on the local disk: images are then written with java.nio (see {@link #write}). */
    private final RawLocalFileSystem localDisk;
    private final boolean writeIndex;
    private final Map<String, List<ImageIndexFile.Entry>> entries = new LinkedHashMap<>();

    ImageSetWriter(String root, boolean writeIndex) throws IOException {
        this.root = new Path(root);
        this.fs = fileSystemFor(this.root, new Configuration());
        this.localDisk = fs instanceof RawLocalFileSystem raw ? raw : null;
        this.writeIndex = writeIndex;
    }

    /**
     * The FileSystem to write {@code path} with. Hadoop's checksummed local FileSystem would put a {@code .crc}
     * beside every file; its raw form does not. Shared (cached): never closed here.
     */
    static FileSystem fileSystemFor(Path path, Configuration conf) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
    }

    /**
     * Deletes the split's index and the given class folders, so that a re-run with fewer images leaves none of
     * an earlier run behind. Only folders this writer's data set names are touched, never the whole split.
     */
    void clear(String split, List<String> classFolders) throws IOException {
        Path splitRoot = new Path(root, split);
        fs.delete(new Path(splitRoot, ImageIndexFile.FILE_NAME), false);
        for (String folder : classFolders) {
            fs.delete(new Path(splitRoot, folder), true);
        }
    }

    /**
     * Writes (or overwrites) {@code <root>/<split>/<classFolder>/<fileName>}. On the local disk the bytes go
     * through java.nio: Hadoop's local FileSystem runs {@code chmod} in a child process for every file it creates
     * unless Hadoop's native library is installed (about 10 ms a file: hours for ImageNet's 1.3 million).
     */
    void write(String split, String classFolder, String fileName, byte[] bytes) throws IOException {
        Path file = new Path(new Path(new Path(root, split), classFolder), fileName);
        if (localDisk != null) {
            java.nio.file.Path target = localDisk.pathToFile(file).toPath();
            Files.createDirectories(target.getParent());
            Files.write(target, bytes);
        } else {
            try (OutputStream out = fs.create(file, true)) {
                out.write(bytes);
            }
        }
        entries.computeIfAbsent(split, s -> new ArrayList<>())
                .add(new ImageIndexFile.Entry(classFolder + "/" + fileName, bytes.length, classFolder));
    }

    /** Writes the indexes (if asked for) and says what was written. */
    WrittenImageSet finish(List<String> classFolders) throws IOException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Map.Entry<String, List<ImageIndexFile.Entry>> split : entries.entrySet()) {
            counts.put(split.getKey(), split.getValue().size());
            if (writeIndex) {
                ImageIndexFile.write(fs, new Path(new Path(root, split.getKey()), ImageIndexFile.FILE_NAME),
                        split.getValue());
            }
        }
        return new WrittenImageSet(root.toString(), classFolders, counts);
    }

    /** {@code image} encoded as PNG. */
    public static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // An in-memory stream: ImageIO.write(image, format, OutputStream) would cache through a temporary file.
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer for an image of type " + image.getType());
            }
        }
        return bytes.toByteArray();
    }

    /** {@code image} encoded as JPEG of {@code quality} (0 to 1); an RGB image (a JPEG has no alpha). */
    public static byte[] jpeg(BufferedImage image, float quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
