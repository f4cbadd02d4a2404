package io.dinospark.report;

import java.awt.Color;

/** One line of a plot: points {@code (x[i], y[i])} in order, a name for the legend and a colour. */
public record Series(String name, double[] x, double[] y, Color colour) {

    public Series {
        if (x.length != y.length) {
            throw new IllegalArgumentException("series " + name + " has " + x.length + " x values and " + y.length + " y values");
        }
    }

    public boolean isEmpty() {
        return x.length == 0;
    }
}
