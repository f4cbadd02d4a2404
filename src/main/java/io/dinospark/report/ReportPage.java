package io.dinospark.report;

import java.util.List;

/** The report's HTML page, section by section; every text from the run is escaped. */
final class ReportPage {

    /** One image's attention maps: its folder under {@code attention/} and the PNGs in it, in display order. */
    record AttentionImage(String folder, List<String> files) {
    }

    private final StringBuilder body = new StringBuilder();
    private final String run;
    private final int refreshSeconds;

    ReportPage(String run, int refreshSeconds) {
        this.run = run;
        this.refreshSeconds = refreshSeconds;
    }

    void summary(List<String> lines) {
        body.append("<h1>DINO run ").append(escape(run)).append("</h1>\n");
        for (String line : lines) {
            body.append("<p>").append(escape(line)).append("</p>\n");
        }
    }

    void plots(List<String> files) {
        body.append("<h2>Training curves</h2>\n");
        if (files.isEmpty()) {
            body.append("<p>No steps to plot yet.</p>\n");
        }
        for (String file : files) {
            body.append("<img class=\"plot\" src=\"").append(escape(file)).append("\" alt=\"").append(escape(file)).append("\">\n");
        }
        if (!files.contains("online-k-nn-accuracy.png")) {
            body.append("<p>No online k-NN in the metrics (fields knnTop1, knnTop5).</p>\n");
        }
    }

    void evaluation(EvaluationTable.Results results) {
        body.append("<h2>Evaluation</h2>\n");
        List<EvaluationTable.Row> rows = results.rows();
        if (rows.isEmpty() && results.retrievals().isEmpty() && results.others().isEmpty()) {
            body.append("<p>No eval/*.json in the run directory yet (knn, linear, retrieve write them).</p>\n");
            return;
        }
        if (!rows.isEmpty()) {
            body.append("<table>\n<tr><th>method</th><th>features</th><th>k</th><th>checkpoint step</th>"
                    + "<th>top-1</th><th>top-5</th></tr>\n");
            for (EvaluationTable.Row r : rows) {
                body.append("<tr><td>").append(escape(r.method())).append("</td><td>").append(escape(r.features()))
                        .append("</td><td>").append(escape(r.k())).append("</td><td>")
                        .append(r.checkpointStep() < 0 ? "" : Long.toString(r.checkpointStep())).append("</td><td>")
                        .append(percent(r.top1())).append("</td><td>").append(percent(r.top5())).append("</td></tr>\n");
            }
            body.append("</table>\n");
        }
        for (EvaluationTable.Retrieval r : results.retrievals()) {
            var result = r.result();
            body.append("<h3>Retrieval: ").append(escape(r.file())).append("</h3>\n<p>")
                    .append(result.queries()).append(" queries, ").append(result.database()).append(" database images, top ")
                    .append(result.k()).append(", ground truth ").append(escape(result.groundTruth())).append(", checkpoint step ")
                    .append(result.checkpointStep()).append("</p>\n<table>\n<tr><th>features</th><th>mAP</th><th>mP@1</th>"
                            + "<th>mP@5</th><th>mP@10</th><th>queries scored</th></tr>\n");
            for (var row : result.rows()) {
                body.append("<tr><td>").append(escape(row.features())).append("</td><td>").append(percent(row.map()))
                        .append("</td><td>").append(percent(row.precisionAt1())).append("</td><td>")
                        .append(percent(row.precisionAt5())).append("</td><td>").append(percent(row.precisionAt10()))
                        .append("</td><td>").append(row.queriesScored()).append("</td></tr>\n");
            }
            body.append("</table>\n");
        }
        for (EvaluationTable.Other other : results.others()) {
            body.append("<h3>").append(escape(other.file())).append("</h3>\n<pre>").append(escape(other.text()))
                    .append("</pre>\n");
        }
    }

    void attention(List<AttentionImage> images) {
        body.append("<h2>Attention maps</h2>\n");
        if (images.isEmpty()) {
            body.append("<p>None yet: <code>dino-spark attention --run ").append(escape(run))
                    .append(" --data DATA_ROOT</code> writes them to attention/.</p>\n");
            return;
        }
        body.append("<p>Last block, CLS query over the patches, teacher unless stated otherwise. Per image: the image, "
                + "the heads' mean, the mean's 60%-mass mask, each head, each head's mask (kept patches tinted orange). "
                + "Colours run from dark blue (the map's minimum) to yellow (its maximum).</p>\n");
        for (AttentionImage image : images) {
            body.append("<div class=\"attention\"><div class=\"name\">").append(escape(image.folder())).append("</div>\n");
            for (String file : image.files()) {
                String src = "../" + RunReport.ATTENTION_FOLDER + "/" + image.folder() + "/" + file;
                body.append("<figure><img src=\"").append(escape(src)).append("\" alt=\"").append(escape(file))
                        .append("\"><figcaption>").append(escape(file.replace(".png", ""))).append("</figcaption></figure>\n");
            }
            body.append("</div>\n");
        }
    }

    void config(String text) {
        body.append("<h2>Configuration</h2>\n");
        body.append(text == null ? "<p>No config.conf in the run directory.</p>\n"
                : "<pre>" + escape(text) + "</pre>\n");
    }

    String html() {
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n"
                + (refreshSeconds > 0 ? "<meta http-equiv=\"refresh\" content=\"" + refreshSeconds + "\">\n" : "")
                + "<title>DINO run " + escape(run) + "</title>\n<style>\n"
                + "body { font-family: sans-serif; margin: 2em; color: #222; }\n"
                + "img.plot { width: 640px; margin: 0 1em 1em 0; border: 1px solid #ddd; }\n"
                + "table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 4px 10px; text-align: right; }\n"
                + "div.attention { margin-bottom: 1.5em; } div.name { font-weight: bold; margin-bottom: 4px; }\n"
                + "figure { display: inline-block; margin: 0 6px 6px 0; text-align: center; }\n"
                + "figure img { width: 112px; image-rendering: pixelated; } figcaption { font-size: 11px; }\n"
                + "pre { background: #f6f6f6; padding: 1em; }\n</style></head><body>\n"
                + body + "</body></html>\n";
    }

    private static String percent(double fraction) {
        return Double.isNaN(fraction) ? "" : String.format("%.1f%%", 100 * fraction);
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
