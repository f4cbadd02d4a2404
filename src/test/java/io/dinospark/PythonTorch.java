package io.dinospark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    /** Null when {@code command} exits 0 within the time allowed, else what went wrong with its output's tail. */
    private static String run(List<String> command) {
        try {
            Path log = Files.createTempFile("python-torch", ".log");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(log.toFile());
                builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
                Process process = builder.start();
                if (!process.waitFor(INSTALL_MINUTES, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    return String.join(" ", command) + " took longer than " + INSTALL_MINUTES + " minutes";
                }
                if (process.exitValue() == 0) {
                    return null;
                }
                String output = Files.readString(log);
                return String.join(" ", command) + " exited " + process.exitValue() + ": "
                        + output.substring(Math.max(0, output.length() - 500)).strip();
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            return String.join(" ", command) + " could not run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return String.join(" ", command) + " was interrupted";
        }
    }
}
