package io.dinospark.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A run's checkpoints, {@code <run>/checkpoints/step-NNNNNNNNNN/}: the student with its updater state (DL4J's
 * model zip: JSON configuration and binary arrays), the teacher's parameters and the center (binary arrays), the
 * resolved configuration, and the step to resume at. Nothing is Java-serialized, so loading one runs no code.
 * Each is written under a temporary name and renamed when complete: a crash mid-write leaves the previous one
 * intact. The last {@code keep} are kept. Every random stream derives from the run seed and the step (data order,
 * crops), so the step is the whole RNG state of the data.
 */
public final class Checkpoints {

    private static final String PREFIX = "step-";
    private static final String PARTIAL = ".partial";

    /** What a checkpoint holds. {@code nextStep}: the first step not yet trained. */
    public record State(long nextStep, MultiLayerNetwork student, INDArray teacher, INDArray center, String config) {
    }

    /** What evaluation needs of a checkpoint: the teacher's parameters, the configuration, and the steps trained. */
    public record Teacher(long step, INDArray params, String config) {
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
        try (OutputStream out = fs.create(new Path(partial, "student.zip"))) {
            ModelSerializer.writeModel(state.student(), out, true);
        }
        writeArray(new Path(partial, "teacher.bin"), state.teacher());
        writeArray(new Path(partial, "center.bin"), state.center());
        writeText(new Path(partial, RunOutput.CONFIG_FILE), state.config());
        writeText(new Path(partial, "step.txt"), Long.toString(state.nextStep()));
        fs.delete(done, true);
        if (!fs.rename(partial, done)) {
            throw new IOException("cannot rename checkpoint " + partial + " to " + done);
        }
        prune();
        return done;
    }

    /** The newest complete checkpoint, if any. */
    public Optional<State> latest() throws IOException {
        Optional<Path> dir = latestDirectory();
        return dir.isEmpty() ? Optional.empty() : Optional.of(load(dir.get()));
    }

    /** The directory of the newest complete checkpoint, if any. */
    private Optional<Path> latestDirectory() throws IOException {
        List<Path> complete = complete();
        return complete.isEmpty() ? Optional.empty() : Optional.of(complete.get(complete.size() - 1));
    }

    /** The directory of the newest complete checkpoint; an error naming the run when it has none. */
    public Path newestDirectory() throws IOException {
        return latestDirectory().orElseThrow(() -> new FileNotFoundException("no checkpoint in " + directory
                + ": train --output " + directory.getParent() + " writes one every train.checkpoint_every steps"
                + " (0: every epoch) and when it stops"));
    }

    /** The checkpoint in {@code dir} (one {@code step-N} directory, of this run or any other). */
    public State load(Path dir) throws IOException {
        if (!fs.exists(new Path(dir, "step.txt")) || !fs.exists(new Path(dir, "teacher.bin"))) {
            throw new IOException("not a checkpoint: " + dir + " (a checkpoint directory holds step.txt, "
                    + "student.zip, teacher.bin and center.bin)");
        }
        MultiLayerNetwork student;
        try (InputStream in = fs.open(new Path(dir, "student.zip"))) {
            student = ModelSerializer.restoreMultiLayerNetwork(in, true);
        }
        return new State(readStep(dir), student,
                readArray(new Path(dir, "teacher.bin")), readArray(new Path(dir, "center.bin")),
                readText(new Path(dir, RunOutput.CONFIG_FILE)));
    }

    /**
     * The teacher of the newest complete checkpoint, without the student.
     *
     * @throws IOException naming the run directory if it has no checkpoint
     */
    public Teacher latestTeacher() throws IOException {
        Path dir = newestDirectory();
        return new Teacher(readStep(dir), readArray(new Path(dir, "teacher.bin")),
                readText(new Path(dir, RunOutput.CONFIG_FILE)));
    }

    private long readStep(Path dir) throws IOException {
        return Long.parseLong(readText(new Path(dir, "step.txt")).trim());
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

    private void writeArray(Path file, INDArray array) throws IOException {
        try (DataOutputStream out = new DataOutputStream(fs.create(file))) {
            Nd4j.write(array, out);
        }
    }

    private INDArray readArray(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(fs.open(file))) {
            return Nd4j.read(in);
        }
    }

    private void writeText(Path file, String text) throws IOException {
        try (OutputStream out = fs.create(file)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private String readText(Path file) throws IOException {
        try (InputStream in = fs.open(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
