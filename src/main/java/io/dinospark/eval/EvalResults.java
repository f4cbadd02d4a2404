package io.dinospark.eval;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A run's evaluation results, {@code <run>/eval/}, as the {@code report} command reads them:
 * {@code knn.json} = {@code {"checkpointStep": N, "rows": [{"features", "k", "top1", "top5"}, ...]}} and
 * {@code linear.json} = {@code {"checkpointStep": N, "top1": ..., "top5": ...}} and {@code retrieval.json} (or
 * another name) = {@code {"checkpointStep", "groundTruth", "k", "queries", "database", "rows": [{"features", "map",
 * "precisionAt1", "precisionAt5", "precisionAt10", "queriesScored"}, ...]}} and {@code finetune.json} ({@link
 * Finetune}); accuracies are fractions.
 */
public final class EvalResults {

    public static final String DIRECTORY = "eval";
    public static final String KNN_FILE = "knn.json";
    public static final String LINEAR_FILE = "linear.json";
    public static final String FINETUNE_FILE = "finetune.json";
    /** {@code retrieve}'s result file unless its {@code --result} names another. */
    public static final String RETRIEVAL_NAME = "retrieval";

    /** {@code eval/knn.json}. */
    public record Knn(long checkpointStep, List<KnnEvaluation.Row> rows) {
    }

    /** {@code eval/linear.json}. */
    public record Linear(long checkpointStep, double top1, double top5) {
    }

    /**
     * {@code eval/finetune.json}: the run's backbones fine-tuned on {@code train} and scored on {@code val}, one row
     * per starting backbone ({@code teacher}, {@code random-init}) with the same recipe.
     */
    public record Finetune(long checkpointStep, String train, String val, List<FinetuneRow> rows) {
    }

    /** One fine-tuning: where it started, its accuracy (fractions), its steps, time and run directory. */
    public record FinetuneRow(String start, double top1, double top5, long steps, double seconds, String directory) {
    }

    /**
     * {@code eval/retrieval.json}: the top {@code k} of each query scored against the ground truth, under the
     * backbones' {@code feature} ({@link io.dinospark.engine.FeatureKind#describe}: {@code cls}, {@code cls-gem},
     * with {@code , multiscale}; null in files written before it was recorded, which ranked by {@code cls}).
     */
    public record Retrieval(long checkpointStep, String groundTruth, int k, long queries, long database,
            String feature, List<GroundTruth.Row> rows) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private EvalResults() {
    }

    public static Path writeKnn(String runDirectory, Knn result, Configuration hadoop) throws IOException {
        return write(runDirectory, KNN_FILE, result, hadoop);
    }

    public static Path writeLinear(String runDirectory, Linear result, Configuration hadoop) throws IOException {
        return write(runDirectory, LINEAR_FILE, result, hadoop);
    }

    public static Path writeFinetune(String runDirectory, Finetune result, Configuration hadoop) throws IOException {
        return write(runDirectory, FINETUNE_FILE, result, hadoop);
    }

    public static Finetune readFinetune(String runDirectory, Configuration hadoop) throws IOException {
        return read(runDirectory, FINETUNE_FILE, Finetune.class, hadoop);
    }

    /** Writes {@code eval/<name>.json}. */
    public static Path writeRetrieval(String runDirectory, String name, Retrieval result, Configuration hadoop)
            throws IOException {
        return write(runDirectory, checkName(name) + ".json", result, hadoop);
    }

    /** {@code name} if it can name a result file {@code eval/<name>.json}; an error naming it otherwise. */
    public static String checkName(String name) {
        if (!name.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("a result name is letters, digits, '-' and '_' (it names eval/<name>.json),"
                    + " got '" + name + "'");
        }
        return name;
    }

    public static Knn readKnn(String runDirectory, Configuration hadoop) throws IOException {
        return read(runDirectory, KNN_FILE, Knn.class, hadoop);
    }

    public static Linear readLinear(String runDirectory, Configuration hadoop) throws IOException {
        return read(runDirectory, LINEAR_FILE, Linear.class, hadoop);
    }

    /** Reads {@code eval/<name>.json} as a retrieval result ({@link #writeRetrieval}); an IOException if it is not one. */
    public static Retrieval readRetrieval(String runDirectory, String name, Configuration hadoop) throws IOException {
        return read(runDirectory, checkName(name) + ".json", Retrieval.class, hadoop);
    }

    /** Where a run's result file {@code name} ({@link #KNN_FILE}, {@link #LINEAR_FILE}) lives. */
    public static Path file(String runDirectory, String name) {
        return new Path(new Path(runDirectory, DIRECTORY), name);
    }

    private static Path write(String runDirectory, String name, Object result, Configuration hadoop) throws IOException {
        Path file = file(runDirectory, name);
        FileSystem fs = file.getFileSystem(hadoop);
        fs.mkdirs(file.getParent());
        try (OutputStream out = fs.create(file, true)) {
            JSON.writerWithDefaultPrettyPrinter().writeValue(out, result);
        }
        return file;
    }

    private static <T> T read(String runDirectory, String name, Class<T> type, Configuration hadoop) throws IOException {
        Path file = file(runDirectory, name);
        try (InputStream in = file.getFileSystem(hadoop).open(file)) {
            return JSON.readValue(in, type);
        } catch (JsonProcessingException e) {
            throw new IOException(file + " is not a " + type.getSimpleName() + " result: " + e.getOriginalMessage(), e);
        }
    }
}
