package io.dinospark.data;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A split's {@code index.tsv}: one line {@code path<TAB>size_bytes<TAB>label} per image, the path relative to the
 * split's folder and the label its class folder. With it a run finds its images without listing a bucket.
 */
public final class ImageIndexFile {

    /** The index's name inside a split's folder. */
    public static final String FILE_NAME = "index.tsv";

    /** One image: where it is under the split root, how many bytes it has, and its class ("" if none). */
    public record Entry(String path, long sizeBytes, String label) {

        public Entry {
            if (path == null || path.isEmpty() || hasSeparator(path)) {
                throw new IllegalArgumentException("index path must be non-empty, without tabs or line breaks: '"
                        + path + "'");
            }
            if (sizeBytes < 0) {
                throw new IllegalArgumentException("index size of " + path + " must be >= 0, got " + sizeBytes);
            }
            if (label == null || hasSeparator(label)) {
                throw new IllegalArgumentException("index label of " + path
                        + " must be non-null, without tabs or line breaks: '" + label + "'");
            }
        }

        private static boolean hasSeparator(String s) {
            return s.indexOf('\t') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
        }
    }

    private ImageIndexFile() {
    }

    /** Writes (or overwrites) {@code <splitRoot>/index.tsv}; returns the file written. */
    public static Path write(String splitRoot, List<Entry> entries) throws IOException {
        return write(new Path(splitRoot), entries, new Configuration());
    }

    public static Path write(Path splitRoot, List<Entry> entries, Configuration conf) throws IOException {
        Path file = new Path(splitRoot, FILE_NAME);
        write(ImageSetWriter.fileSystemFor(file, conf), file, entries);
        return file;
    }

    static void write(FileSystem fs, Path file, List<Entry> entries) throws IOException {
        try (Writer out = new BufferedWriter(new OutputStreamWriter(fs.create(file, true), StandardCharsets.UTF_8))) {
            for (Entry e : entries) {
                out.write(e.path() + '\t' + e.sizeBytes() + '\t' + e.label() + '\n');
            }
        }
    }

    /**
     * Reads an index file.
     *
     * @throws IOException naming the file and the line number when a line is not {@code path<TAB>size<TAB>label}
     */
    public static List<Entry> read(String indexFile) throws IOException {
        return read(new Path(indexFile), new Configuration());
    }

    public static List<Entry> read(Path indexFile, Configuration conf) throws IOException {
        List<Entry> entries = new ArrayList<>();
        FileSystem fs = indexFile.getFileSystem(conf);
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(fs.open(indexFile), StandardCharsets.UTF_8))) {
            int number = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                number++;
                entries.add(parse(line, indexFile + " line " + number));
            }
        }
        return entries;
    }

    /** One line of an index; {@code where} names the file (and line) in errors. */
    static Entry parse(String line, String where) throws IOException {
        String[] fields = line.split("\t", -1);
        if (fields.length != 3) {
            throw new IOException(where + ": expected path<TAB>size_bytes<TAB>label (3 fields), got "
                    + fields.length + ": '" + line + "'");
        }
        long size;
        try {
            size = Long.parseLong(fields[1]);
        } catch (NumberFormatException e) {
            throw new IOException(where + ": size_bytes must be a whole number of bytes, got '" + fields[1] + "'", e);
        }
        try {
            return new Entry(fields[0], size, fields[2]);
        } catch (IllegalArgumentException e) {
            throw new IOException(where + ": " + e.getMessage(), e);
        }
    }
}
