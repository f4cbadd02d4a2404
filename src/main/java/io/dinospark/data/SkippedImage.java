package io.dinospark.data;

import java.io.Serializable;

/** An image a step could not use, why ({@code reason}: a short word to count by) and the full explanation. */
public record SkippedImage(String path, String reason, String message) implements Serializable {
}
