package io.dinospark.config;

/** A closed interval [min, max], written {@code [min, max]} in configuration files. */
public record Range(double min, double max) {

    /** The configuration-file form, {@code [min, max]}. */
    @Override
    public String toString() {
        return "[" + min + ", " + max + "]";
    }
}
