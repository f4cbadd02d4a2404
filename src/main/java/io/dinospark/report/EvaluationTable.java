package io.dinospark.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;


import io.dinospark.eval.EvalResults;
import io.dinospark.eval.KnnEvaluation;

/**
 * The evaluation results of a run ({@link EvalResults}) as the report shows them: k-NN, linear probe and
 * fine-tuning as table rows, each retrieval result ({@code retrieve}'s {@code eval/<name>.json}) as its own table, and any other
 * {@code eval/*.json} as its text. A file not there yet gives nothing.
 */
public final class EvaluationTable {

    /** One result: how it was measured, and top-1/top-5 as fractions. */
    public record Row(String method, String features, String k, long checkpointStep, double top1, double top5) {
    }

    /** A retrieval result file and what it holds. */
    public record Retrieval(String file, EvalResults.Retrieval result) {
    }

    /** A result file the report has no table for, as its text. */
    public record Other(String file, String text) {
    }

    /** Everything under {@code eval/}. */
    public record Results(List<Row> rows, List<Retrieval> retrievals, List<Other> others) {
    }


    private EvaluationTable() {
    }

    public static Results read(FileSystem fs, Path run) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<Retrieval> retrievals = new ArrayList<>();
        List<Other> others = new ArrayList<>();
        String dir = run.toString();
        Path eval = new Path(run, EvalResults.DIRECTORY);
        FileStatus[] files = fs.exists(eval) ? fs.listStatus(eval, p -> p.getName().endsWith(".json")) : new FileStatus[0];
        Arrays.sort(files, Comparator.comparing(f -> f.getPath().getName()));
        for (FileStatus file : files) {
            String name = file.getPath().getName();
            switch (name) {
                case EvalResults.KNN_FILE -> {
                    EvalResults.Knn knn = EvalResults.readKnn(dir, fs.getConf());
                    for (KnnEvaluation.Row r : knn.rows()) {
                        rows.add(new Row("k-NN", r.features(), Integer.toString(r.k()), knn.checkpointStep(), r.top1(), r.top5()));
                    }
                }
                case EvalResults.LINEAR_FILE -> {
                    EvalResults.Linear linear = EvalResults.readLinear(dir, fs.getConf());
                    rows.add(new Row("linear", "teacher", "", linear.checkpointStep(), linear.top1(), linear.top5()));
                }
                case EvalResults.FINETUNE_FILE -> {
                    EvalResults.Finetune finetune = EvalResults.readFinetune(dir, fs.getConf());
                    for (EvalResults.FinetuneRow r : finetune.rows()) {
                        rows.add(new Row("fine-tuned", r.start(), "", finetune.checkpointStep(), r.top1(), r.top5()));
                    }
                }
                default -> {
                    try {
                        retrievals.add(new Retrieval(name, EvalResults.readRetrieval(dir,
                                name.substring(0, name.length() - ".json".length()), fs.getConf())));
                    } catch (IOException | IllegalArgumentException notRetrieval) { // not one, or not a result's name
                        others.add(new Other(name, readText(fs, file.getPath())));
                    }
                }
            }
        }
        return new Results(rows, retrievals, others);
    }

    private static String readText(FileSystem fs, Path file) throws IOException {
        try (InputStream in = fs.open(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
