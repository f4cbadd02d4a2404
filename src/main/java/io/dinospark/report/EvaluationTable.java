package io.dinospark.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import io.dinospark.eval.EvalResults;
import io.dinospark.eval.KnnEvaluation;

/** The evaluation results of a run ({@link EvalResults}) as table rows; a file not there yet gives no rows. */
public final class EvaluationTable {

    /** One result: how it was measured, and top-1/top-5 as fractions. */
    public record Row(String method, String features, String k, long checkpointStep, double top1, double top5) {
    }

    private EvaluationTable() {
    }

    public static List<Row> read(FileSystem fs, Path run) throws IOException {
        List<Row> rows = new ArrayList<>();
        String dir = run.toString();
        if (fs.exists(EvalResults.file(dir, EvalResults.KNN_FILE))) {
            EvalResults.Knn knn = EvalResults.readKnn(dir, fs.getConf());
            for (KnnEvaluation.Row r : knn.rows()) {
                rows.add(new Row("k-NN", r.features(), Integer.toString(r.k()), knn.checkpointStep(), r.top1(), r.top5()));
            }
        }
        if (fs.exists(EvalResults.file(dir, EvalResults.LINEAR_FILE))) {
            EvalResults.Linear linear = EvalResults.readLinear(dir, fs.getConf());
            rows.add(new Row("linear", "teacher", "", linear.checkpointStep(), linear.top1(), linear.top5()));
        }
        return rows;
    }
}
