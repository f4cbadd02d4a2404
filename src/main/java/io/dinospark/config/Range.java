package io.dinospark.config;

import java.io.Serializable;

/** A closed interval [min, max], written {@code [min, max]} in configuration files. */
public record Range(double min, double max) implements Serializable {

    /** The configuration-file form, {@code [min, max]}. */
    @Override
    public String toString() {
        return "[" + min + ", " + max + "]";
    }
}
