package io.dinospark.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/** Every command's usage help renders cleanly: picocli reports a description it cannot format on standard error. */
class UsageHelpTest {

    @Test
    void everyCommandsHelpRendersWithoutPicocliWarnings() {
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        List<String> rendered = new ArrayList<>();
        // CommandLine.tracer() writes to the System.err of the moment it is called.
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            render(DinoSpark.commandLine(), rendered);
        } finally {
            System.setErr(stderr);
        }
        assertTrue(rendered.containsAll(DinoSpark.commandLine().getSubcommands().keySet()), rendered.toString());
        String warnings = captured.toString(StandardCharsets.UTF_8);
        assertFalse(warnings.contains("[picocli"), warnings);
    }

    private static void render(CommandLine command, List<String> rendered) {
        assertFalse(command.getUsageMessage().isBlank(), command.getCommandName());
        rendered.add(command.getCommandName());
        command.getSubcommands().values().forEach(sub -> render(sub, rendered));
    }
}
