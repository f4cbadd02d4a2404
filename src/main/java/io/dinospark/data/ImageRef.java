package io.dinospark.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * One image of a data set, as executors pass it around: a stable id (its rank in the catalog's order), where it
 * comes from (a Hadoop FileSystem URI, or a table row), its class if the source has one (for evaluation only), and
 * for table sources its encoded bytes, which travel executor to executor and never through the driver.
 */
public record ImageRef(long id, String path, String label, byte[] bytes) implements Serializable {

    /** An image stored as a file, read when a step needs it. */
    public static ImageRef file(long id, String path, String label) {
        return new ImageRef(id, path, label, null);
    }

    /** The image's encoded bytes: those of its table row, else read from its path. */
    public byte[] encoded(Configuration hadoop) throws IOException {
        if (bytes != null) {
            return bytes;
        }
        Path p = new Path(path);
        try (InputStream in = p.getFileSystem(hadoop).open(p)) {
            return in.readAllBytes();
        }
    }

    ImageRef withId(long newId) {
        return new ImageRef(newId, path, label, bytes);
    }
}
