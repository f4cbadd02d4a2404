package io.dinospark.report;

import java.awt.Color;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;


import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import io.dinospark.attention.AttentionPngs;
import io.dinospark.data.ImageSetWriter;
import io.dinospark.train.RunOutput;

/**
 * A run's report in {@code <run>/report/}: PNG plots of the metrics over steps (loss, learning rate, teacher entropy
 * against ln K, throughput, online k-NN when the metrics have it) and {@code index.html} with the plots, the
 * evaluation table, the attention maps ({@code <run>/attention/}) and the configuration. Reads what the run has
 * written so far, so it can be made while the run trains.
 */
public final class RunReport {

    public static final String FOLDER = "report";
    public static final String ATTENTION_FOLDER = "attention";
    static final int WIDTH = 640;
    static final int HEIGHT = 360;

    private static final Color BLUE = new Color(0x1f, 0x77, 0xb4);
    private static final Color ORANGE = new Color(0xff, 0x7f, 0x0e);
    private static final Color GREEN = new Color(0x2c, 0xa0, 0x2c);
    private static final Color RED = new Color(0xd6, 0x27, 0x28);
    private static final Color PURPLE = new Color(0x94, 0x67, 0xbd);

    /** What was written: the page, the plot files (in the report folder), and how much of the metrics was read. */
    public record Written(Path index, List<String> plots, int steps, boolean skippedPartialLine) {
    }

    private RunReport() {
    }

    /**
     * Writes the report of the run in {@code run}.
     *
     * @param refreshSeconds when above 0, the page reloads itself this often (for a report kept up to date)
     * @throws IOException when the run directory has no metrics file, or a file in it cannot be read
     */
    public static Written write(Path run, Configuration hadoop, int refreshSeconds) throws IOException {
        FileSystem fs = run.getFileSystem(hadoop);
        MetricsLog metrics = MetricsLog.read(fs, new Path(run, RunOutput.METRICS_FILE));
        Path out = new Path(run, FOLDER);
        fs.mkdirs(out);
        List<String> plots = new ArrayList<>();
        for (LinePlot plot : plots(metrics)) {
            if (!plot.isEmpty()) {
                String name = fileName(plot);
                try (OutputStream stream = fs.create(new Path(out, name), true)) {
                    stream.write(ImageSetWriter.png(plot.render(WIDTH, HEIGHT)));
                }
                plots.add(name);
            }
        }
        Path config = new Path(run, RunOutput.CONFIG_FILE);
        String configText = fs.exists(config) ? readText(fs, config) : null;
        ReportPage page = new ReportPage(run.toString(), refreshSeconds);
        page.summary(summary(metrics));
        page.plots(plots);
        page.evaluation(EvaluationTable.read(fs, run));
        page.attention(attentionFolders(fs, new Path(run, ATTENTION_FOLDER)));
        page.config(configText);
        Path index = new Path(out, "index.html");
        try (OutputStream stream = fs.create(index, true)) {
            stream.write(page.html().getBytes(StandardCharsets.UTF_8));
        }
        return new Written(index, plots, metrics.size(), metrics.hadPartialLastLine());
    }

    /** The plots a report draws, each titled; one without points is left out of the report. */
    static List<LinePlot> plots(MetricsLog m) {
        LinePlot loss = new LinePlot("Loss", "step").add(m.series("loss", "loss", BLUE));
        LinePlot lr = new LinePlot("Learning rate", "step").add(m.series("lr", "learning rate", BLUE));
        LinePlot entropy = new LinePlot("Teacher entropy", "step").add(m.series("teacherEntropy", "teacher entropy", BLUE));
        OptionalDouble lnK = m.last("lnK");
        if (lnK.isPresent()) {
            LinePlot.Marker marker = new LinePlot.Marker(String.format("ln K = %.2f (uniform: collapse)", lnK.getAsDouble()),
                    lnK.getAsDouble(), RED);
            entropy.mark(marker);
            loss.mark(marker);
        }
        LinePlot throughput = new LinePlot("Throughput (images/s)", "step")
                .add(m.series("imagesPerSecond", "images/s", GREEN));
        LinePlot knn = new LinePlot("Online k-NN accuracy", "step")
                .add(m.series("knnTop1", "top-1", PURPLE))
                .add(m.series("knnTop5", "top-5", ORANGE));
        return List.of(loss, lr, entropy, throughput, knn);
    }

    /** {@code Teacher entropy} becomes {@code teacher-entropy.png}. */
    static String fileName(LinePlot plot) {
        String title = plot.title().toLowerCase(Locale.ROOT);
        int paren = title.indexOf(" (");
        return (paren > 0 ? title.substring(0, paren) : title).replaceAll("[^a-z0-9]+", "-") + ".png";
    }

    private static List<String> summary(MetricsLog m) {
        List<String> lines = new ArrayList<>();
        if (m.size() == 0) {
            lines.add("No complete step in metrics.jsonl yet.");
        } else {
            long step = (long) m.last("step").orElse(0);
            lines.add(String.format("%d steps logged; the last is step %d of %.0f (epoch %.0f).", m.size(), step + 1,
                    m.last("totalSteps").orElse(Double.NaN), m.last("epoch").orElse(Double.NaN)));
            lines.add(String.format("Last loss %.4f, teacher entropy %.3f against ln K = %.3f, %.1f images/s.",
                    m.last("loss").orElse(Double.NaN), m.last("teacherEntropy").orElse(Double.NaN),
                    m.last("lnK").orElse(Double.NaN), m.last("imagesPerSecond").orElse(Double.NaN)));
        }
        if (m.hadPartialLastLine()) {
            lines.add("The last line of metrics.jsonl was still being written and is left out.");
        }
        lines.add("Made " + ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME) + ".");
        return lines;
    }

    /** Per image folder under {@code attention/}: its name and its PNGs, in display order. */
    private static List<ReportPage.AttentionImage> attentionFolders(FileSystem fs, Path attention) throws IOException {
        List<ReportPage.AttentionImage> images = new ArrayList<>();
        if (!fs.exists(attention)) {
            return images;
        }
        FileStatus[] folders = fs.listStatus(attention);
        Arrays.sort(folders, Comparator.comparing(f -> f.getPath().getName()));
        for (FileStatus folder : folders) {
            if (!folder.isDirectory()) {
                continue;
            }
            List<String> present = Arrays.stream(fs.listStatus(folder.getPath())).map(f -> f.getPath().getName()).toList();
            int heads = (int) present.stream().filter(n -> n.matches("head-\\d+\\.png")).count();
            List<String> shown = AttentionPngs.fileNames(heads).stream().filter(present::contains).toList();
            if (!shown.isEmpty()) {
                images.add(new ReportPage.AttentionImage(folder.getPath().getName(), shown));
            }
        }
        return images;
    }

    private static String readText(FileSystem fs, Path file) throws IOException {
        try (InputStream in = fs.open(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
