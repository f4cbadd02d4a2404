package io.dinospark.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The images of a data set, listed by Spark's executors (the driver reads at most the root folder): each with a
 * stable id, its rank in path order. Only names are read; image bytes stay where they are until an executor needs
 * them.
 */
public final class ImageCatalog {

    /** File name extensions (any case) of the images a listing picks up. */
    static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif", "tif", "tiff", "webp");

    private final JavaRDD<ImageRef> images;
    private final long count;

    private ImageCatalog(JavaRDD<ImageRef> images) {
        this.images = images.persist(StorageLevel.MEMORY_AND_DISK());
        this.count = this.images.count();
    }

    /**
     * Lists the images of {@code source}.
     *
     * @throws IllegalArgumentException if the source holds no image, naming its root and layout
     */
    public static ImageCatalog list(SparkSession spark, ImageSource source) {
        String root = source.root();
        ImageLayout layout = source.layout();
        JavaRDD<ImageRef> unnumbered = switch (layout) {
            case IMAGENET, FLAT -> imageFiles(spark, root)
                    .map(path -> ImageRef.file(-1, path, layout == ImageLayout.IMAGENET ? classOf(path) : null));
            case INDEX -> {
                String index = root + "/" + ImageIndexFile.FILE_NAME;
                yield spark.read().text(index).javaRDD().map(row -> {
                    ImageIndexFile.Entry entry = ImageIndexFile.parse(row.getString(0), index);
                    return ImageRef.file(-1, root + "/" + entry.path(), entry.label().isEmpty() ? null : entry.label());
                });
            }
            case PARQUET -> ParquetImages.rows(spark, source);
        };
        JavaRDD<ImageRef> refs = unnumbered
                .sortBy(ImageRef::path, true, Math.max(1, unnumbered.getNumPartitions()))
                .zipWithIndex()
                .map(pair -> pair._1().withId(pair._2()));
        ImageCatalog catalog = new ImageCatalog(refs);
        if (catalog.count == 0) {
            catalog.release();
            throw new IllegalArgumentException("no images under " + root + " (layout " + layout.name().toLowerCase(Locale.ROOT)
                    + ", file names ending in " + IMAGE_EXTENSIONS + ")");
        }
        return catalog;
    }

    /**
     * Image files under {@code root}: the driver lists only the root's entries (class folders); executors list
     * each folder's files recursively, as Spark's own parallel listing does. Empty files are kept, so that they
     * are counted as bad input later rather than silently dropped (Spark's file sources drop them).
     */
    private static JavaRDD<String> imageFiles(SparkSession spark, String root) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        SerializableConfiguration hadoop = new SerializableConfiguration(sc.hadoopConfiguration());
        Path rootPath = new Path(root);
        List<String> folders = new ArrayList<>();
        List<String> files = new ArrayList<>();
        try {
            FileSystem fs = rootPath.getFileSystem(sc.hadoopConfiguration());
            for (FileStatus status : fs.listStatus(rootPath)) {
                (status.isDirectory() ? folders : files).add(status.getPath().toString());
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list image root " + root + ": " + e.getMessage(), e);
        }
        JavaRDD<String> nested = sc.parallelize(folders, Math.max(1, Math.min(folders.size(), 4 * sc.defaultParallelism())))
                .flatMap(folder -> {
                    List<String> found = new ArrayList<>();
                    Path path = new Path(folder);
                    addFiles(path.getFileSystem(hadoop.value()), path, found);
                    return found.iterator();
                });
        return sc.parallelize(files, 1).union(nested).filter(ImageCatalog::isImageName);
    }

    /**
     * Adds the files under {@code folder}, recursively. Plain {@code listStatus}: {@code listFiles} asks every file for
     * its permissions, which Hadoop's local file system answers by running {@code ls} once per file.
     */
    private static void addFiles(FileSystem fs, Path folder, List<String> found) throws IOException {
        for (FileStatus status : fs.listStatus(folder)) {
            if (status.isDirectory()) {
                addFiles(fs, status.getPath(), found);
            } else {
                found.add(status.getPath().toString());
            }
        }
    }

    /** The image files under {@code folder}, recursively, listed on this JVM (for a few images, not a data set). */
    public static List<String> imageFilesUnder(FileSystem fs, Path folder) throws IOException {
        List<String> found = new ArrayList<>();
        addFiles(fs, folder, found);
        found.removeIf(path -> !isImageName(path));
        return found;
    }

    static boolean isImageName(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1));
    }

    /** The class folder of an image in {@code root/<class>/<image>}: its parent folder's name. */
    static String classOf(String path) {
        int end = path.lastIndexOf('/');
        int start = path.lastIndexOf('/', end - 1);
        return path.substring(start + 1, end);
    }

    public JavaRDD<ImageRef> images() {
        return images;
    }

    public long count() {
        return count;
    }

    public void release() {
        images.unpersist();
    }
}
