package io.dinospark.report;

/**
 * "Nice" tick marks for an axis: a step of 1, 2 or 5 times a power of ten, and a range widened to whole steps, so
 * that about {@code target} round-numbered ticks cover the data.
 */
record AxisTicks(double min, double max, double step) {

    static AxisTicks covering(double lo, double hi, int target) {
        if (!Double.isFinite(lo) || !Double.isFinite(hi) || lo > hi) {
            throw new IllegalArgumentException("cannot make ticks for the range [" + lo + ", " + hi + "]");
        }
        if (hi == lo) {
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
            lo -= pad;
            hi += pad;
        }
        double step = niceStep((hi - lo) / Math.max(1, target - 1));
        double min = Math.floor(lo / step + 1e-9) * step;
        double max = Math.ceil(hi / step - 1e-9) * step;
        return new AxisTicks(min, max, step);
    }

    /** The smallest of 1, 2, 5 (times a power of ten) not below {@code raw}. */
    private static double niceStep(double raw) {
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        double fraction = raw / power;
        double nice = fraction <= 1 + 1e-9 ? 1 : fraction <= 2 + 1e-9 ? 2 : fraction <= 5 + 1e-9 ? 5 : 10;
        return nice * power;
    }

    double[] values() {
        int n = (int) Math.round((max - min) / step) + 1;
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = min + i * step;
        }
        return values;
    }

    /** A tick's label: plain decimals with as many places as the step needs, scientific for very small or large values. */
    String label(double value) {
        if (Math.abs(value) < step * 1e-6) {
            return "0";
        }
        double magnitude = Math.max(Math.abs(min), Math.abs(max));
        if (magnitude >= 1e5 || magnitude < 1e-2) {
            int digits = (int) Math.floor(Math.log10(magnitude) + 1e-9) - (int) Math.floor(Math.log10(step) + 1e-9);
            return String.format("%." + Math.max(0, Math.min(4, digits)) + "e", value);
        }
        int decimals = Math.max(0, (int) -Math.floor(Math.log10(step) + 1e-9));
        return String.format("%." + decimals + "f", value);
    }
}
