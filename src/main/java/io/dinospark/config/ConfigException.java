package io.dinospark.config;

/** A configuration that cannot be used; the message names the key, the bad value and what is allowed. */
public final class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }

    /** Throws unless {@code ok}, with the message {@code "Invalid <key> = <value>: <allowed>"}. */
    static void require(boolean ok, String key, Object value, String allowed) {
        if (!ok) {
            throw new ConfigException("Invalid " + key + " = " + value + ": " + allowed);
        }
    }

    /** Throws unless {@code 0 < min <= max <= 1}, as for a crop's area scale. */
    static void requireScale(String key, Range range) {
        require(range != null && 0 < range.min() && range.min() <= range.max() && range.max() <= 1, key, range,
                "must be [min, max] with 0 < min <= max <= 1");
    }
}
