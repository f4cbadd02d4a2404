package io.dinospark.data;

import java.util.List;
import java.util.Map;

/**
 * What a {@code prepare} writer produced: the root it wrote under, the class folders (in label order) and the
 * number of images written per split ({@code train}, {@code val}, {@code holdout}).
 */
public record WrittenImageSet(String root, List<String> classFolders, Map<String, Integer> imagesPerSplit) {

    /** The split of labelled images set aside from training for choosing settings, apart from val. */
    public static final String HOLDOUT = "holdout";

    public WrittenImageSet {
        classFolders = List.copyOf(classFolders);
        imagesPerSplit = Map.copyOf(imagesPerSplit);
    }

    /** Images written to {@code split}, 0 if none. */
    public int images(String split) {
        return imagesPerSplit.getOrDefault(split, 0);
    }
}
