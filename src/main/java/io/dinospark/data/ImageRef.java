package io.dinospark.data;

import java.io.Serializable;

/**
 * One image of a data set, as the driver and executors refer to it: a stable id (its rank in path order), where
 * its bytes are (any Hadoop FileSystem URI), and its class folder, if the layout has one (used for evaluation only).
 */
public record ImageRef(long id, String path, String label) implements Serializable {
}
