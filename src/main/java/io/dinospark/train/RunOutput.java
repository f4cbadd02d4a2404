package io.dinospark.train;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.dinospark.config.ConfigLoader;
import io.dinospark.config.DinoConfig;

/**
 * A run's output directory (any Hadoop FileSystem URI): the resolved configuration ({@code config.conf}) and one
 * JSON line per step ({@code metrics.jsonl}), flushed as each step ends so that a run can be watched while it goes.
 */
public final class RunOutput implements Closeable {

    public static final String CONFIG_FILE = "config.conf";
    public static final String METRICS_FILE = "metrics.jsonl";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;
    private final FSDataOutputStream metrics;

    /**
     * Opens the run directory for a run that starts at {@code firstStep}: metrics of earlier steps (from before a
     * resume) are kept, those of later ones (written after the checkpoint resumed from) are dropped.
     */
    public RunOutput(String directory, DinoConfig config, Configuration hadoop, long firstStep) throws IOException {
        this.directory = new Path(directory);
        FileSystem fs = this.directory.getFileSystem(hadoop);
        fs.mkdirs(this.directory);
        try (OutputStream out = fs.create(new Path(this.directory, CONFIG_FILE), true)) {
            out.write(ConfigLoader.render(config).getBytes(StandardCharsets.UTF_8));
        }
        Path file = new Path(this.directory, METRICS_FILE);
        List<String> kept = new ArrayList<>();
        if (fs.exists(file)) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (!line.isBlank() && JSON.readTree(line).get("step").asLong() < firstStep) {
                        kept.add(line);
                    }
                }
            }
        }
        this.metrics = metricsStream(fs, file);
        for (String line : kept) {
            metrics.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        metrics.hflush();
    }

    /**
     * Hadoop's local file system checksums what it writes and its {@code hflush} keeps whatever does not fill a
     * 512-byte checksum chunk and a 4 KB buffer, so lines would appear on local or NFS disks ten at a time, or at the
     * end. The raw local file system passes {@code hflush} through; the checksum file it would disagree with goes.
     */
    private static FSDataOutputStream metricsStream(FileSystem fs, Path file) throws IOException {
        if (fs instanceof LocalFileSystem local) {
            local.delete(local.getChecksumFile(file), false);
            return local.getRawFileSystem().create(file, true);
        }
        return fs.create(file, true);
    }

    public Path directory() {
        return directory;
    }

    public void write(StepReport report) {
        try {
            metrics.write((JSON.writeValueAsString(report) + "\n").getBytes(StandardCharsets.UTF_8));
            metrics.hflush();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + METRICS_FILE + " in " + directory + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        metrics.close();
    }
}
