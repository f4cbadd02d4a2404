package io.dinospark.data;

import java.io.Serializable;

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

    ImageRef withId(long newId) {
        return new ImageRef(newId, path, label, bytes);
    }
}
