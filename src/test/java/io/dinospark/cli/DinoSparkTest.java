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

class DinoSparkTest {

    @TempDir
    Path dir;

    @Test
    void prepareWritesASyntheticImagenetTree() throws Exception {
        String[] result = Commands.run("prepare", "--dataset", "synthetic", "--out", dir.toString(), "--classes", "3",
                "--train-per-class", "2", "--val-per-class", "1", "--index");
        assertEquals("0", result[0], result[1]);
        try (var classes = Files.list(dir.resolve("train"))) {
            assertEquals(3, classes.filter(Files::isDirectory).count());
        }
        assertEquals(6, Files.readAllLines(dir.resolve("train/index.tsv")).size());
    }

    @Test
    void aBadDatasetNameAndABadConfigKeyAreClearErrors() {
        String[] dataset = Commands.run("prepare", "--dataset", "cifar", "--out", dir.toString());
        assertEquals("2", dataset[0]);
        assertTrue(dataset[1].contains("'cifar' is not a dataset"), dataset[1]);

        String[] config = Commands.run("config", "optim.lrr=1");
        assertEquals(String.valueOf(DinoSpark.CONFIG_ERROR), config[0]);
        assertTrue(config[1].contains("optim.lrr") && config[1].contains("optim.lr"), config[1]);
    }

    @Test
    void trainHelpListsEveryKeyWithItsDefault() {
        StringWriter out = new StringWriter();
        CommandLine cli = DinoSpark.commandLine();
        cli.setOut(new PrintWriter(out));
        assertEquals(0, cli.execute("train", "--help"));
        for (var key : io.dinospark.config.ConfigLoader.describeKeys()) {
            assertTrue(out.toString().contains(key.key()), key.key() + " missing from train --help");
        }
        assertTrue(out.toString().contains("optim.lr") && out.toString().contains("5.0E-4"), out.toString());
    }
}
