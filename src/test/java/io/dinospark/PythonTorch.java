package io.dinospark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's PyTorch ({@code python3-torch}) for the tests that hold the project against PyTorch. When
 * {@code /usr/bin/python3} cannot import torch, the first test that asks installs the package with
 * {@code apt-get} where this user may (root, as on CI), once per test JVM; a test skips only where that is
 * impossible, saying why.
 */
public final class PythonTorch {

    /** Debian's interpreter: the {@code python3} first on a PATH may be another that does not see Debian's packages. */
    public static final String PYTHON = "/usr/bin/python3";
    private static final List<String> PACKAGES = List.of("python3-torch", "libopenblas0-pthread");
    private static final long INSTALL_MINUTES = 10;
    private static final long SCRIPT_MINUTES = 30;

    private static String missing;
    private static boolean checked;

    private PythonTorch() {
    }

    /** Null when {@code /usr/bin/python3 -c 'import torch'} works (after installing it if need be), else why not. */
    public static synchronized String missing() {
        if (!checked) {
            checked = true;
            missing = importsTorch() ? null : install();
        }
        return missing;
    }

    private static String install() {
        if (!Files.isExecutable(Path.of("/usr/bin/apt-get")) || !"root".equals(System.getProperty("user.name"))) {
            return "needs Debian's python3-torch (" + PYTHON + " -c 'import torch'), and this user cannot install it:"
                    + " apt-get install " + String.join(" ", PACKAGES);
        }
        System.err.println("PythonTorch: installing " + String.join(" ", PACKAGES) + " with apt-get for the PyTorch"
                + " cross-checks (once; a minute or two)");
        String update = run(List.of("apt-get", "update", "-qq"));
        String result = update != null ? update : run(List.of("apt-get", "install", "-y", "-qq",
                "--no-install-recommends", PACKAGES.get(0), PACKAGES.get(1)));
        if (result != null) {
            return "installing " + String.join(" ", PACKAGES) + " failed: " + result;
        }
        return importsTorch() ? null : PACKAGES.get(0) + " is installed but " + PYTHON + " still cannot import torch";
    }

    private static boolean importsTorch() {
        return Files.isExecutable(Path.of(PYTHON)) && run(List.of(PYTHON, "-c", "import torch")) == null;
    }

    /**
     * Runs {@code script} (a path from the repository root) with {@link #PYTHON} and {@code args}, with OpenMP's idle
     * threads sleeping ({@code OMP_WAIT_POLICY=PASSIVE}), and returns its output (standard output and error together).
     * Throws with that output when it exits non-zero, cannot start or takes longer than half an hour. A caller checks
     * {@link #missing()} first.
     */
    public static String script(String script, String... args) {
        return script(Map.of(), script, args);
    }

    /** {@link #script(String, String...)} with {@code environment} added to the script's environment. */
    public static String script(Map<String, String> environment, String script, String... args) {
        List<String> command = new ArrayList<>(List.of(PYTHON, script));
        command.addAll(List.of(args));
        Map<String, String> variables = new HashMap<>(environment);
        variables.putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        Outcome outcome = execute(command, variables, SCRIPT_MINUTES);
        if (outcome.failure() != null) {
            throw new IllegalStateException(outcome.failure() + ":\n" + outcome.output());
        }
        return outcome.output();
    }

    /** Null when {@code command} exits 0 within the time allowed, else what went wrong with its output's tail. */
    private static String run(List<String> command) {
        Outcome outcome = execute(command, Map.of("DEBIAN_FRONTEND", "noninteractive"), INSTALL_MINUTES);
        if (outcome.failure() == null) {
            return null;
        }
        String output = outcome.output();
        return output.isEmpty() ? outcome.failure()
                : outcome.failure() + ": " + output.substring(Math.max(0, output.length() - 500)).strip();
    }

    /** What a command printed, and null or what went wrong (a non-zero exit, a timeout, no start). */
    private record Outcome(String output, String failure) {
    }

    private static Outcome execute(List<String> command, Map<String, String> environment, long minutes) {
        String name = String.join(" ", command);
        try {
            Path log = Files.createTempFile("python-torch", ".log");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(log.toFile());
                builder.environment().putAll(environment);
                Process process = builder.start();
                if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
                    process.destroyForcibly().waitFor();
                    return new Outcome(Files.readString(log), name + " took longer than " + minutes + " minutes");
                }
                String output = Files.readString(log);
                return new Outcome(output, process.exitValue() == 0 ? null : name + " exited " + process.exitValue());
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            return new Outcome("", name + " could not run: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome("", name + " was interrupted");
        }
    }
}
