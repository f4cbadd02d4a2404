package io.dinospark.report;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The evaluation results of a run, from {@code eval/knn.json} ({@code {"checkpointStep": N, "rows": [{"features",
 * "k", "top1", "top5"}, ...]}}) and {@code eval/linear.json} ({@code {"checkpointStep": N, "top1", "top5"}}), as
 * table rows; a file not there yet gives no rows.
 */
public final class EvaluationTable {

    /** One result: how it was measured, and top-1/top-5 as fractions (NaN when not given). */
    public record Row(String method, String features, String k, long checkpointStep, double top1, double top5) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private EvaluationTable() {
    }

    public static List<Row> read(FileSystem fs, Path run) throws IOException {
        List<Row> rows = new ArrayList<>();
        Path knn = new Path(run, "eval/knn.json");
        if (fs.exists(knn)) {
            JsonNode root = parse(fs, knn);
            JsonNode list = root.get("rows");
            if (list == null || !list.isArray()) {
                throw new IOException(knn + " has no \"rows\" array");
            }
            for (JsonNode r : list) {
                rows.add(new Row("k-NN", text(r, "features"), text(r, "k"), root.path("checkpointStep").asLong(-1),
                        number(r, "top1"), number(r, "top5")));
            }
        }
        Path linear = new Path(run, "eval/linear.json");
        if (fs.exists(linear)) {
            JsonNode root = parse(fs, linear);
            rows.add(new Row("linear", root.has("features") ? text(root, "features") : "teacher", "",
                    root.path("checkpointStep").asLong(-1), number(root, "top1"), number(root, "top5")));
        }
        return rows;
    }

    private static JsonNode parse(FileSystem fs, Path file) throws IOException {
        try (InputStream in = fs.open(file)) {
            JsonNode root = JSON.readTree(in);
            if (root == null || !root.isObject()) {
                throw new IOException(file + " is not a JSON object");
            }
            return root;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }

    private static double number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isNumber() ? v.asDouble() : Double.NaN;
    }
}
