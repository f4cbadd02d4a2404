package io.dinospark.data;

/**
 * An image file that cannot be decoded. The message names the file, what is wrong and what was expected;
 * {@link #reason()} is the short form a run counts its skipped images by.
 */
public final class UndecodableImageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why an image was refused; stable names, so that skip counts can be reported per reason. */
    public enum Reason {
        /** The file has no bytes. */
        EMPTY,
        /** An image format was recognised, but the data is truncated or corrupt. */
        CORRUPT,
        /** No ImageIO reader recognises the bytes. */
        NOT_AN_IMAGE,
        /** The header declares more pixels, or a longer side, than the decoder accepts. */
        TOO_LARGE
    }

    private final String name;
    private final Reason reason;

    public UndecodableImageException(String name, Reason reason, String message, Throwable cause) {
        super(name + ": " + message, cause);
        this.name = name;
        this.reason = reason;
    }

    /** The file's name, as the caller gave it to the decoder. */
    public String name() {
        return name;
    }

    public Reason reason() {
        return reason;
    }
}
