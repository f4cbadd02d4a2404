package io.dinospark.eval;

import java.io.Serializable;

/** One image's feature as extraction produces it: the image's catalog id, path and label (null if unlabelled). */
public record ImageFeature(long id, String path, String label, float[] feature) implements Serializable {
}
