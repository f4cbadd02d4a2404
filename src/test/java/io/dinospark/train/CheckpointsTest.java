package io.dinospark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.RandomAccessFile;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import io.dinospark.TestConfigs;
import io.dinospark.config.ConfigException;
import io.dinospark.config.ConfigLoader;
import io.dinospark.config.DinoConfig;
import io.dinospark.engine.Engine;
import io.dinospark.engine.StudentState;
import io.dinospark.model.ParameterLayout;

/** Checkpoints are read by the project's own reader: what it never writes, or writes otherwise, is refused. */
class CheckpointsTest {

    /** Set when an instance is deserialized: a checkpoint must never get that far. */
    static volatile boolean deserialized;

    /** A class compiled for the test, standing in for a gadget an attacker plants. */
    static final class Planted implements Serializable {
        private static final long serialVersionUID = 1L;

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            deserialized = true;
        }
    }

    @TempDir
    Path dir;

    private final DinoConfig config = TestConfigs.withEngine(TestConfigs.tinyConv(2), "torch");
    private Checkpoints checkpoints;
    private Checkpoints.State written;
    private Path step;

    @BeforeEach
    void saveOne() throws IOException {
        deserialized = false;
        checkpoints = new Checkpoints(new org.apache.hadoop.fs.Path(dir.toUri()), new Configuration(), 3);
        StudentState student = Engine.of(config).initialStudent(config);
        StudentState trained = new StudentState(student.params(), Nd4j.rand(DataType.FLOAT, 1, student.optimizer().length()), 17);
        written = new Checkpoints.State(5, trained, student.params().mul(2), Nd4j.rand(DataType.FLOAT, 1, 20),
                ConfigLoader.render(config));
        checkpoints.save(written);
        step = dir.resolve("checkpoints/step-0000000005");
    }

    private Checkpoints.State load() throws IOException {
        return checkpoints.load(new org.apache.hadoop.fs.Path(step.toUri()));
    }

    private static byte[] serializedGadget() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new Planted());
        }
        return bytes.toByteArray();
    }

    @Test
    void aCheckpointReadsBackAsItWasWritten() throws IOException {
        Checkpoints.State state = load();
        assertEquals(5, state.nextStep());
        assertEquals(17, state.student().optimizerSteps());
        assertEquals(config, ConfigLoader.parseRendered(state.config()));
        assertArrayEquals(state.student().params().mul(2).toFloatVector(), state.teacher().toFloatVector());
        assertArrayEquals(written.student().params().toFloatVector(), state.student().params().toFloatVector(), "student");
        assertArrayEquals(written.student().optimizer().toFloatVector(), state.student().optimizer().toFloatVector(),
                "AdamW moments");
        assertArrayEquals(written.teacher().toFloatVector(), state.teacher().toFloatVector(), "teacher");
        assertArrayEquals(written.center().toFloatVector(), state.center().toFloatVector(), "center");
        assertEquals(written.config(), state.config());
        assertEquals(state, checkpoints.latest().orElseThrow(), "the newest checkpoint is this one");
    }

    @Test
    void thePlantedGadgetIsNeverDeserialized() throws IOException {
        // The sanity check: the gadget does run when Java deserializes it.
        try (ObjectInputStream in = new ObjectInputStream(new java.io.ByteArrayInputStream(serializedGadget()))) {
            in.readObject();
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
        assertTrue(deserialized);
        deserialized = false;

        Files.write(step.resolve("preprocessor.bin"), serializedGadget());
        IOException e = assertThrows(IOException.class, this::load);
        assertTrue(e.getMessage().contains("preprocessor.bin"), e.getMessage());
        assertFalse(deserialized, "the planted object was deserialized");
    }

    @Test
    void anEarlierVersionsModelZipIsNotRead() throws IOException {
        Files.delete(step.resolve("state.json"));
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(step.resolve("student.zip")))) {
            zip.putNextEntry(new ZipEntry("preprocessor.bin"));
            zip.write(serializedGadget());
            zip.closeEntry();
        }
        IOException e = assertThrows(IOException.class, this::load);
        assertTrue(e.getMessage().contains("student.zip") && e.getMessage().contains("not read"), e.getMessage());
        assertFalse(deserialized);
    }

    @Test
    void aClassifierReadsBackWithItsClassesAndNoCenter() throws IOException {
        ParameterLayout layout = ParameterLayout.classifier(config, 4);
        StudentState network = new StudentState(Nd4j.rand(DataType.FLOAT, 1, layout.size()),
                Nd4j.rand(DataType.FLOAT, 1, 2 * layout.size()), 3);
        Path run = dir.resolve("classifier");
        Checkpoints classifiers = new Checkpoints(new org.apache.hadoop.fs.Path(run.toUri()), new Configuration(), 3);
        classifiers.save(Checkpoints.State.classifier(9, network, ConfigLoader.render(config), 4));
        assertFalse(Files.exists(run.resolve("checkpoints/step-0000000009/center.bin")));
        assertFalse(Files.exists(run.resolve("checkpoints/step-0000000009/teacher.bin")), "the network is written once");

        Checkpoints.State state = classifiers.latest().orElseThrow();
        assertEquals(4, state.classes());
        assertEquals(null, state.center());
        assertArrayEquals(network.params().toFloatVector(), state.student().params().toFloatVector());
        assertArrayEquals(network.params().toFloatVector(), state.teacher().toFloatVector(), "evaluation reads the network");

        Path stateFile = run.resolve("checkpoints/step-0000000009/state.json");
        Files.writeString(stateFile, Files.readString(stateFile).replace("\"classes\":4", "\"classes\":1"));
        Files.deleteIfExists(run.resolve("checkpoints/step-0000000009/.state.json.crc"));
        IOException e = assertThrows(IOException.class, classifiers::latest);
        assertTrue(e.getMessage().contains("classifier of 1 classes"), e.getMessage());
    }

    @Test
    void anUnknownEntryIsRefusedByName() throws IOException {
        Files.writeString(step.resolve("notes.txt"), "hello");
        IOException e = assertThrows(IOException.class, this::load);
        assertTrue(e.getMessage().contains("notes.txt") && e.getMessage().contains("never writes"), e.getMessage());
    }

    @Test
    void aTruncatedArrayIsRefused() throws IOException {
        try (RandomAccessFile teacher = new RandomAccessFile(step.resolve("teacher.bin").toFile(), "rw")) {
            teacher.setLength(teacher.length() - 4);
        }
        Files.deleteIfExists(step.resolve(".teacher.bin.crc"));
        IOException e = assertThrows(IOException.class, this::load);
        assertTrue(e.getMessage().contains("teacher.bin") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void aHeaderClaimingATrillionValuesIsRefusedBeforeAllocating() throws IOException {
        try (RandomAccessFile teacher = new RandomAccessFile(step.resolve("teacher.bin").toFile(), "rw")) {
            teacher.seek(8);
            teacher.writeLong(1_000_000_000_000L);
        }
        Files.deleteIfExists(step.resolve(".teacher.bin.crc"));
        IOException e = assertThrows(IOException.class, this::load);
        assertTrue(e.getMessage().contains("1000000000000 values") && e.getMessage().contains("needs"), e.getMessage());
    }

    @Test
    void aFileThatIsNotAnArrayFileIsRefused() throws IOException {
        Files.write(step.resolve("center.bin"), new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        Files.deleteIfExists(step.resolve(".center.bin.crc"));
        IOException e = assertThrows(IOException.class, this::load);
        assertTrue(e.getMessage().contains("center.bin") && e.getMessage().contains("DINOF32"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"include \"other.conf\"", "include file(\"/etc/hostname\")", "include url(\"http://example.com/x.conf\")"})
    void aSavedConfigurationIncludesNothing(String include) throws IOException {
        Files.writeString(step.resolve("config.conf"), include + "\n" + ConfigLoader.render(config));
        Files.deleteIfExists(step.resolve(".config.conf.crc"));
        ConfigException e = assertThrows(ConfigException.class, this::load);
        assertTrue(e.getMessage().contains("include"), e.getMessage());
    }
}
