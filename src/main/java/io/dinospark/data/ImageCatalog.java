package io.dinospark.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
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

    /** Name of the index file {@code prepare} writes in each split's folder. */
    public static final String INDEX_FILE = "index.tsv";

    /** File name extensions (any case) of the images a listing picks up. */
    static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif", "tif", "tiff", "webp");

    private final JavaRDD<ImageRef> images;
    private final long count;

    private ImageCatalog(JavaRDD<ImageRef> images) {
        this.images = images.persist(StorageLevel.MEMORY_AND_DISK());
        this.count = this.images.count();
    }

    /**
     * Lists the images under {@code root} (any Hadoop FileSystem URI).
     *
     * @throws IllegalArgumentException if the root holds no image, naming the root and the layout
     */
    public static ImageCatalog list(SparkSession spark, String root, ImageLayout layout) {
        JavaRDD<ImageRef> unnumbered = switch (layout) {
            case IMAGENET, FLAT -> imageFiles(spark, root)
                    .map(path -> new ImageRef(-1, path, layout == ImageLayout.IMAGENET ? classOf(path) : null));
            case INDEX -> {
                String index = root + "/" + INDEX_FILE;
                yield spark.read().text(index).javaRDD().map(row -> fromIndexLine(root, index, row.getString(0)));
            }
        };
        JavaRDD<ImageRef> refs = unnumbered
                .sortBy(ImageRef::path, true, Math.max(1, unnumbered.getNumPartitions()))
                .zipWithIndex()
                .map(pair -> new ImageRef(pair._2(), pair._1().path(), pair._1().label()));
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
                    RemoteIterator<LocatedFileStatus> it = path.getFileSystem(hadoop.value()).listFiles(path, true);
                    while (it.hasNext()) {
                        found.add(it.next().getPath().toString());
                    }
                    return found.iterator();
                });
        return sc.parallelize(files, 1).union(nested).filter(ImageCatalog::isImageName);
    }

    static boolean isImageName(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1));
    }

    /** A line {@code path<TAB>size<TAB>label} of an index file, the path relative to the index's folder. */
    static ImageRef fromIndexLine(String root, String index, String line) {
        String[] fields = line.split("\t", -1);
        if (fields.length != 3 || fields[0].isEmpty()) {
            throw new IllegalArgumentException("malformed line in " + index + ": '" + line
                    + "' (expected path<TAB>size<TAB>label)");
        }
        return new ImageRef(-1, root + "/" + fields[0], fields[2].isEmpty() ? null : fields[2]);
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
