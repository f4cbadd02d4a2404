package io.dinospark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.dinospark.train.StepReport;

class RunReportTest {

    @TempDir
    Path run;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** Metrics lines as RunOutput writes them (a StepReport as JSON), with online k-NN on every 5th step. */
    private static List<String> metricsLines(int steps) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            boolean knn = s % 5 == 4; // the online k-NN ran on these steps only
            StepReport r = new StepReport(s, 100, 0, 6.0 - 0.05 * s, 1e-4 * s, 0.04, 0.99, 0.04, 5.0 - 0.03 * s, Math.log(256),
                    1.0, 0.5, 30 + s, 64, 0, 0.3, 1.1, 0.01, 0.01, knn ? 0.5 + 0.01 * s : null, knn ? 0.8 + 0.005 * s : null);
            String line = json.writeValueAsString(r);
            lines.add(line);
        }
        return lines;
    }

    private RunReport.Written report() throws IOException {
        return RunReport.write(new org.apache.hadoop.fs.Path(run.toUri()), new Configuration(), 0);
    }

    @Test
    void aRunInProgressWithAHalfWrittenLastLineGetsItsPlotsAndPage() throws Exception {
        List<String> lines = metricsLines(20);
        String partial = lines.get(19).substring(0, 40); // the writer is in the middle of step 19
        Files.writeString(run.resolve("metrics.jsonl"), String.join("\n", lines.subList(0, 19)) + "\n" + partial);
        Files.writeString(run.resolve("config.conf"), "model.arch = \"vit\"\nmodel.patch_size = 4\n");
        Files.createDirectories(run.resolve("eval"));
        Files.writeString(run.resolve("eval/knn.json"), "{\"checkpointStep\": 18, \"rows\": ["
                + "{\"features\": \"teacher\", \"k\": 20, \"top1\": 0.7123, \"top5\": 0.95},"
                + "{\"features\": \"random-init\", \"k\": 20, \"top1\": 0.6, \"top5\": 0.9},"
                + "{\"features\": \"raw-pixels\", \"k\": 20, \"top1\": 0.81, \"top5\": 0.97}]}");
        Path attention = Files.createDirectories(run.resolve("attention/00-dress-12"));
        for (String name : List.of("image.png", "mean.png", "mask-mean.png", "head-0.png", "head-1.png", "mask-head-0.png", "mask-head-1.png")) {
            ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", attention.resolve(name).toFile());
        }

        RunReport.Written written = report();

        assertEquals(19, written.steps(), "the half-written line is left out");
        assertTrue(written.skippedPartialLine());
        assertEquals(List.of("loss.png", "learning-rate.png", "teacher-entropy.png", "throughput.png", "online-k-nn-accuracy.png"),
                written.plots());
        for (String plot : written.plots()) {
            BufferedImage png = ImageIO.read(run.resolve("report").resolve(plot).toFile());
            assertEquals(RunReport.WIDTH, png.getWidth(), plot);
            assertEquals(RunReport.HEIGHT, png.getHeight(), plot);
        }
        String html = Files.readString(run.resolve("report/index.html"));
        for (String plot : written.plots()) {
            assertTrue(html.contains("src=\"" + plot + "\""), plot + " on the page");
        }
        assertTrue(html.contains("19 steps logged; the last is step 19 of 100"), html);
        assertTrue(html.contains("still being written"), "the page says a line was left out");
        assertTrue(html.contains("<td>raw-pixels</td>") && html.contains("71.2%") && html.contains("81.0%"), "the k-NN table");
        assertTrue(html.contains("model.patch_size = 4"), "the configuration");
        assertTrue(html.contains("src=\"../attention/00-dress-12/image.png\"")
                && html.indexOf("head-0.png") < html.indexOf("head-1.png")
                && html.indexOf("mask-mean.png") < html.indexOf("\"../attention/00-dress-12/head-0.png"), "attention maps in order");
    }

    @Test
    void theLinearProbeJoinsTheTableAndMissingPartsAreSaid() throws Exception {
        Files.writeString(run.resolve("metrics.jsonl"), String.join("\n", metricsLines(3)) + "\n");
        Files.createDirectories(run.resolve("eval"));
        Files.writeString(run.resolve("eval/linear.json"), "{\"checkpointStep\": 3, \"top1\": 0.655, \"top5\": 0.9}");
        Files.writeString(run.resolve("eval/copies.json"), "{\"checkpointStep\": 3, \"groundTruth\": \"gt.jsonl\", \"k\": 20,"
                + " \"queries\": 314, \"database\": 10157, \"rows\": [{\"features\": \"teacher\", \"map\": 0.4321,"
                + " \"precisionAt1\": 0.5, \"precisionAt5\": 0.25, \"precisionAt10\": 0.125, \"queriesScored\": 314}]}");
        Files.writeString(run.resolve("eval/finetune.json"), "{\"checkpointStep\": 3, \"train\": \"t\", \"val\": \"v\","
                + " \"rows\": [{\"start\": \"random-init\", \"top1\": 0.712, \"top5\": 0.99, \"steps\": 5, \"seconds\": 1.5,"
                + " \"directory\": \"ft/random-init\"}]}");
        Files.writeString(run.resolve("eval/segmentation.json"), "{\"top1\": 0.9}");

        RunReport.Written written = report();

        assertFalse(written.skippedPartialLine());
        assertFalse(written.plots().contains("online-k-nn-accuracy.png"), "no k-NN fields, no k-NN plot");
        String html = Files.readString(run.resolve("report/index.html"));
        assertTrue(html.contains("<td>linear</td>") && html.contains("65.5%"), html);
        assertTrue(html.contains("Retrieval: copies.json") && html.contains("314 queries, 10157 database images, top 20")
                && html.contains("<td>43.2%</td><td>50.0%</td><td>25.0%</td><td>12.5%</td><td>314</td>"), "the retrieval table");
        assertTrue(html.contains("<td>fine-tuned</td><td>random-init</td>") && html.contains("71.2%"), html);
        assertTrue(html.contains("<h3>segmentation.json</h3>\n<pre>{&quot;top1&quot;: 0.9}</pre>"),
                "a result file without a table, as its text");
        assertTrue(html.contains("No online k-NN in the metrics"));
        assertTrue(html.contains("No config.conf"));
        assertTrue(html.contains("dino-spark attention --run"), "says how to make attention maps");
    }

    @Test
    void theTextOfTheRunIsEscaped() throws Exception {
        Files.writeString(run.resolve("metrics.jsonl"), metricsLines(2).get(0) + "\n");
        Files.writeString(run.resolve("config.conf"), "data.root = \"<script>alert(1)</script>\"\n");
        report();
        String html = Files.readString(run.resolve("report/index.html"));
        assertFalse(html.contains("<script>"));
        assertTrue(html.contains("&lt;script&gt;"));
    }

    @Test
    void aMissingMetricsFileOrABadLineInTheMiddleIsAClearError() throws Exception {
        IOException missing = assertThrows(IOException.class, this::report);
        assertTrue(missing.getMessage().contains("no metrics file") && missing.getMessage().contains("metrics.jsonl"),
                missing.getMessage());

        List<String> lines = new ArrayList<>(metricsLines(4));
        lines.set(1, "{\"step\": 1, \"loss\": ");
        Files.writeString(run.resolve("metrics.jsonl"), String.join("\n", lines) + "\n");
        IOException bad = assertThrows(IOException.class, this::report);
        assertTrue(bad.getMessage().contains("line 2"), bad.getMessage());

        Files.writeString(run.resolve("metrics.jsonl"), String.join("\n", metricsLines(2)) + "\n");
        Files.createDirectories(run.resolve("eval"));
        Files.writeString(run.resolve("eval/knn.json"), "{\"checkpointStep\": 1, \"rows\": [");
        IOException badEval = assertThrows(IOException.class, this::report);
        assertTrue(badEval.getMessage().contains("knn.json"), badEval.getMessage());
    }
}
