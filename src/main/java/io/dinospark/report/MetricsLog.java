package io.dinospark.report;

import java.awt.Color;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A run's {@code metrics.jsonl} as written so far: one JSON object per step. The last line may be half written
 * while the run goes on; it is left out. A bad line anywhere else is an error naming the file and the line.
 */
public final class MetricsLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<JsonNode> steps;
    private final boolean partialLastLine;

    private MetricsLog(List<JsonNode> steps, boolean partialLastLine) {
        this.steps = steps;
        this.partialLastLine = partialLastLine;
    }

    public static MetricsLog read(FileSystem fs, Path file) throws IOException {
        if (!fs.exists(file)) {
            throw new IOException("no metrics file " + file + ": is " + file.getParent()
                    + " a run directory (train --output)? train writes it when its first step ends");
        }
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines.add(line);
            }
        }
        List<JsonNode> steps = new ArrayList<>();
        boolean partial = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                node = null;
            }
            if (node == null || !node.isObject() || !node.has("step")) {
                if (isLastNonBlank(lines, i)) {
                    partial = true; // still being written
                    continue;
                }
                throw new IOException(file + " line " + (i + 1) + " is not a step's JSON object: "
                        + (line.length() > 80 ? line.substring(0, 80) + "..." : line));
            }
            steps.add(node);
        }
        return new MetricsLog(steps, partial);
    }

    private static boolean isLastNonBlank(List<String> lines, int i) {
        for (int j = i + 1; j < lines.size(); j++) {
            if (!lines.get(j).isBlank()) {
                return false;
            }
        }
        return true;
    }

    /** Complete steps read. */
    public int size() {
        return steps.size();
    }

    /** Whether a half-written last line was left out. */
    public boolean hadPartialLastLine() {
        return partialLastLine;
    }

    /** {@code field} over steps, for the steps that have it as a number (others, e.g. steps without k-NN, are left out). */
    public Series series(String field, String name, Color colour) {
        List<double[]> points = new ArrayList<>();
        for (JsonNode step : steps) {
            JsonNode value = step.get(field);
            if (value != null && value.isNumber()) {
                points.add(new double[] {step.get("step").asDouble(), value.asDouble()});
            }
        }
        return new Series(name, points.stream().mapToDouble(p -> p[0]).toArray(),
                points.stream().mapToDouble(p -> p[1]).toArray(), colour);
    }

    /** The last complete step's value of {@code field}, if it has one. */
    public OptionalDouble last(String field) {
        for (int i = steps.size() - 1; i >= 0; i--) {
            JsonNode value = steps.get(i).get(field);
            if (value != null && value.isNumber()) {
                return OptionalDouble.of(value.asDouble());
            }
        }
        return OptionalDouble.empty();
    }
}
