package io.dinospark.train;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.api.ndarray.INDArray;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dinospark.config.ConfigLoader;
import io.dinospark.config.DinoConfig;
import io.dinospark.engine.StudentState;
import io.dinospark.model.ParameterLayout;

/**
 * A run's checkpoints, {@code <run>/checkpoints/step-NNNNNNNNNN/}, the same for every engine: the resolved
 * configuration ({@code config.conf}), the step to resume at and the optimizer's update count ({@code state.json}),
 * and flat float arrays ({@link ArrayFiles}) of the student's parameters, its AdamW moments, the teacher's parameters
 * and the center. They are read by the project's own reader: only these entries are accepted, every array's size is
 * checked against what the configuration implies before anything is allocated, and nothing is deserialized, so
 * loading a checkpoint from anywhere runs no code. Each is written under a temporary name and renamed when
 * complete: a crash mid-write leaves the previous one intact. The last {@code keep} are kept. Every random stream
 * derives from the run seed and the step (data order, crops, noise), so the step is the whole RNG state of the data.
 */
public final class Checkpoints {

    private static final String PREFIX = "step-";
    private static final String PARTIAL = ".partial";
    private static final String STATE = "state.json";
    private static final String STUDENT = "student.bin";
    private static final String OPTIMIZER = "optimizer.bin";
    private static final String TEACHER = "teacher.bin";
    private static final String CENTER = "center.bin";
    /** In {@link #STATE}, a fine-tuned classifier's number of classes; absent for a DINO network. */
    private static final String CLASSES = "classes";
    /** Every entry a checkpoint may hold (Hadoop's local file system adds a {@code .NAME.crc} beside each). */
    private static final Set<String> ENTRIES = Set.of(RunOutput.CONFIG_FILE, STATE, STUDENT, OPTIMIZER, TEACHER, CENTER);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What a checkpoint holds. {@code nextStep}: the first step not yet trained. A fine-tuned classifier's
     * ({@code classes} > 0, {@link ParameterLayout#classifier}) has no center, and its network stands where the
     * teacher does: evaluation reads it as it reads a teacher.
     */
    public record State(long nextStep, StudentState student, INDArray teacher, INDArray center, String config,
            int classes) {

        /** A DINO run's. */
        public State(long nextStep, StudentState student, INDArray teacher, INDArray center, String config) {
            this(nextStep, student, teacher, center, config, 0);
        }

        /** A fine-tuned classifier's of {@code classes} classes. */
        public static State classifier(long nextStep, StudentState network, String config, int classes) {
            if (classes < 2) {
                throw new IllegalArgumentException("a classifier has at least 2 classes, got " + classes);
            }
            return new State(nextStep, network, network.params(), null, config, classes);
        }
    }

    /**
     * What evaluation needs of a checkpoint: the teacher's parameters, the configuration, the steps trained, and the
     * classes of a fine-tuned classifier (0 for a DINO network).
     */
    public record Teacher(long step, INDArray params, String config, int classes) {
    }

    private final Path directory;
    private final FileSystem fs;
    private final int keep;

    public Checkpoints(Path runDirectory, Configuration hadoop, int keep) throws IOException {
        this.directory = new Path(runDirectory, "checkpoints");
        this.fs = directory.getFileSystem(hadoop);
        this.keep = keep;
    }

    public Path save(State state) throws IOException {
        Path done = new Path(directory, String.format("%s%010d", PREFIX, state.nextStep()));
        Path partial = new Path(directory, done.getName() + PARTIAL);
        fs.delete(partial, true);
        fs.mkdirs(partial);
        writeText(new Path(partial, RunOutput.CONFIG_FILE), state.config());
        Map<String, Long> counts = new TreeMap<>(Map.of("nextStep", state.nextStep(), "optimizerSteps",
                state.student().optimizerSteps()));
        if (state.classes() > 0) {
            counts.put(CLASSES, (long) state.classes());
        }
        writeText(new Path(partial, STATE), JSON.writeValueAsString(counts));
        ArrayFiles.write(fs, new Path(partial, STUDENT), state.student().params());
        ArrayFiles.write(fs, new Path(partial, OPTIMIZER), state.student().optimizer());
        if (state.classes() == 0) { // a classifier's network is its student's parameters: written once
            ArrayFiles.write(fs, new Path(partial, TEACHER), state.teacher());
            ArrayFiles.write(fs, new Path(partial, CENTER), state.center());
        }
        fs.delete(done, true);
        if (!fs.rename(partial, done)) {
            throw new IOException("cannot rename checkpoint " + partial + " to " + done);
        }
        prune();
        return done;
    }

    /** The newest complete checkpoint, if any. */
    public Optional<State> latest() throws IOException {
        List<Path> complete = complete();
        return complete.isEmpty() ? Optional.empty() : Optional.of(load(complete.get(complete.size() - 1)));
    }

    /** The directory of the newest complete checkpoint; an error naming the run when it has none. */
    public Path newestDirectory() throws IOException {
        List<Path> complete = complete();
        if (complete.isEmpty()) {
            throw new FileNotFoundException("no checkpoint in " + directory + ": train --output "
                    + directory.getParent() + " writes one every train.checkpoint_every steps (0: every epoch) and"
                    + " when it stops");
        }
        return complete.get(complete.size() - 1);
    }

    /** The checkpoint in {@code dir} (one {@code step-N} directory, of this run or any other). */
    public State load(Path dir) throws IOException {
        Contents c = contents(dir);
        long size = c.layout().size();
        StudentState student = new StudentState(ArrayFiles.read(fs, new Path(dir, STUDENT), "the student's parameters", size),
                ArrayFiles.read(fs, new Path(dir, OPTIMIZER), "the student's AdamW moments", 2 * size), c.optimizerSteps());
        if (c.classes() > 0) {
            return State.classifier(c.nextStep(), student, c.configText(), c.classes());
        }
        int k = c.config().model().outDim();
        INDArray center = ArrayFiles.read(fs, new Path(dir, CENTER), "the center", k).reshape(1, k);
        return new State(c.nextStep(), student, readTeacher(dir, c), center, c.configText());
    }

    /**
     * The teacher of the newest complete checkpoint, without the student.
     *
     * @throws IOException naming the run directory if it has no checkpoint
     */
    public Teacher latestTeacher() throws IOException {
        Path dir = newestDirectory();
        Contents c = contents(dir);
        return new Teacher(c.nextStep(), readTeacher(dir, c), c.configText(), c.classes());
    }

    /** What a checkpoint's small entries say, read and checked before any array is. */
    private record Contents(String configText, DinoConfig config, ParameterLayout layout, long nextStep,
            long optimizerSteps, int classes) {
    }

    private Contents contents(Path dir) throws IOException {
        if (!fs.exists(new Path(dir, STATE)) || !fs.exists(new Path(dir, STUDENT))) {
            String old = fs.exists(new Path(dir, "student.zip")) ? " It holds student.zip: it was written by an"
                    + " earlier dino-spark, whose DL4J model zip is not read (DL4J reads it with Java deserialization);"
                    + " train the run again or use the version that wrote it." : "";
            throw new IOException("not a checkpoint: " + dir + " (a checkpoint directory holds " + RunOutput.CONFIG_FILE
                    + ", " + STATE + ", " + STUDENT + ", " + OPTIMIZER + " and, for a DINO run, " + TEACHER + " and "
                    + CENTER + ")." + old);
        }
        for (FileStatus entry : fs.listStatus(dir)) {
            String name = entry.getPath().getName();
            String checked = name.startsWith(".") && name.endsWith(".crc") ? name.substring(1, name.length() - 4) : name;
            if (!entry.isFile() || !ENTRIES.contains(checked)) {
                throw new IOException("checkpoint " + dir + " holds an entry it never writes: " + name
                        + " (allowed: " + new TreeSet<>(ENTRIES) + "); it is not read");
            }
        }
        String configText = readText(new Path(dir, RunOutput.CONFIG_FILE));
        DinoConfig config = ConfigLoader.parseRendered(configText);
        JsonNode state;
        try {
            state = JSON.readTree(readText(new Path(dir, STATE)));
        } catch (IOException e) {
            throw new IOException(new Path(dir, STATE) + " is not JSON: " + e.getMessage(), e);
        }
        int classes = 0;
        if (state != null && state.has(CLASSES)) {
            long n = count(state, CLASSES, dir);
            if (n < 2 || n > Integer.MAX_VALUE) {
                throw new IOException(new Path(dir, STATE) + " gives a classifier of " + n + " classes; a classifier"
                        + " has 2 or more");
            }
            classes = (int) n;
        }
        ParameterLayout layout = classes == 0 ? ParameterLayout.of(config) : ParameterLayout.classifier(config, classes);
        return new Contents(configText, config, layout, count(state, "nextStep", dir), count(state, "optimizerSteps", dir),
                classes);
    }

    private static long count(JsonNode state, String field, Path dir) throws IOException {
        JsonNode value = state == null ? null : state.get(field);
        if (value == null || !value.canConvertToLong() || value.asLong() < 0) {
            throw new IOException(new Path(dir, STATE) + " needs " + field + " as a count >= 0, got " + value);
        }
        return value.asLong();
    }

    /** The network evaluation reads: the teacher, or a classifier's parameters (it has no teacher of its own). */
    private INDArray readTeacher(Path dir, Contents c) throws IOException {
        return c.classes() > 0 ? ArrayFiles.read(fs, new Path(dir, STUDENT), "the classifier's parameters", c.layout().size())
                : ArrayFiles.read(fs, new Path(dir, TEACHER), "the teacher's parameters", c.layout().size());
    }

    private List<Path> complete() throws IOException {
        if (!fs.exists(directory)) {
            return List.of();
        }
        FileStatus[] entries = fs.listStatus(directory);
        return Arrays.stream(entries)
                .map(FileStatus::getPath)
                .filter(p -> p.getName().startsWith(PREFIX) && !p.getName().endsWith(PARTIAL))
                .sorted(Comparator.comparing(Path::getName))
                .toList();
    }

    private void prune() throws IOException {
        List<Path> complete = complete();
        for (int i = 0; i < complete.size() - keep; i++) {
            fs.delete(complete.get(i), true);
        }
    }

    private void writeText(Path file, String text) throws IOException {
        try (OutputStream out = fs.create(file)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A small text entry; one over 1 MiB is refused rather than read. */
    private String readText(Path file) throws IOException {
        long length = fs.getFileStatus(file).getLen();
        if (length > 1 << 20) {
            throw new IOException(file + " is " + length + " bytes; a checkpoint's text entries are far smaller");
        }
        try (InputStream in = fs.open(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
