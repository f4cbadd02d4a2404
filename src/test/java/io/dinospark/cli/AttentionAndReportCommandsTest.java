package io.dinospark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

class AttentionAndReportCommandsTest {

    @TempDir
    Path dir;

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** Exit code, standard output, standard error. */
    private static String[] run(String... args) {
        CommandLine cli = DinoSpark.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void reportWritesThePageOfARunDirectory() throws Exception {
        Files.writeString(dir.resolve("metrics.jsonl"), "{\"step\": 0, \"loss\": 5.0, \"lr\": 0.0, \"teacherEntropy\": 4.0, "
                + "\"lnK\": 5.5, \"imagesPerSecond\": 20.0}\n{\"step\": 1, \"loss\": 4.9, \"lr\": 1e-4, \"teacherEntropy\": 4.1, "
                + "\"lnK\": 5.5, \"imagesPerSecond\": 30.0}\n{\"step\": 2, \"lo");
        String[] result = run("report", "--run", dir.toString());
        assertEquals("0", result[0], result[2]);
        assertTrue(result[1].contains("report of 2 steps"), result[1]);
        assertTrue(Files.isRegularFile(dir.resolve("report/index.html")));
        assertTrue(Files.isRegularFile(dir.resolve("report/teacher-entropy.png")));
    }

    @Test
    void missingInputsAreErrorsThatNameThem() {
        String[] report = run("report", "--run", dir.resolve("nothing").toString());
        assertEquals("1", report[0]);
        assertTrue(report[2].contains("no metrics file") && report[2].contains("nothing"), report[2]);

        String[] attention = run("attention", "--run", dir.toString(), "--data", dir.toString());
        assertEquals("1", attention[0]);
        assertTrue(attention[2].contains("no checkpoint in"), attention[2]);

        String[] noImages = run("attention", "--run", dir.toString());
        assertEquals("2", noImages[0], "a usage error");
        assertTrue(noImages[2].contains("--data"), noImages[2]);

        String[] noOut = run("attention", "--checkpoint", dir.toString(), "x.png");
        assertEquals("2", noOut[0]);
        assertTrue(noOut[2].contains("--checkpoint needs --out"), noOut[2]);

        String[] both = run("attention", "--checkpoint", dir.toString(), "--run", dir.toString(), "x.png");
        assertEquals("2", both[0]);
        assertTrue(both[2].contains("mutually exclusive"), both[2]);
    }
}
