package io.dinospark.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code submit/gpu-kernel-check.py} reads the architectures out of CUDA fat binaries laid out as NVIDIA's tools
 * write them (header, then entries of kind 1 = PTX or 2 = machine code, each naming its architecture). Without a
 * GPU it lists them and loads nothing.
 */
class GpuKernelCheckScriptTest {

    private static final Path SCRIPT = Path.of("submit/gpu-kernel-check.py");
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path dir;

    @Test
    void listsTheArchitecturesOfConcatenatedFatBinaries() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "needs /usr/bin/python3");
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(fatbin(new int[][] {{2, 86, 40}, {1, 80, 24}}));
        file.write(fatbin(new int[][] {{2, 86, 8}, {2, 75, 16}}));
        Path input = dir.resolve("sample.fatbin");
        Files.write(input, file.toByteArray());

        String out = run(input);

        assertTrue(out.contains("2 fat binaries carrying compute_80 x1, sm_75 x1, sm_86 x2"), out);
        assertTrue(out.contains("listing architectures only") || out.contains("on this GPU:"), out);
    }

    @Test
    void aFileWithoutFatBinariesIsAnError() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "needs /usr/bin/python3");
        Path input = dir.resolve("empty.so");
        Files.write(input, new byte[64]);

        Process p = start(input);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);

        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("no fat binary found"), out);
    }

    /** A fat binary whose entries are {kind, arch, payload bytes}, with 64-byte entry headers. */
    private static byte[] fatbin(int[][] entries) {
        int body = 0;
        for (int[] e : entries) {
            body += 64 + e[2];
        }
        ByteBuffer b = ByteBuffer.allocate(16 + body).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xBA55ED50).putShort((short) 1).putShort((short) 16).putLong(body);
        for (int[] e : entries) {
            int start = b.position();
            b.putShort((short) e[0]).putShort((short) 0).putInt(64).putLong(e[2]);
            b.position(start + 28);
            b.putInt(e[1]);
            b.position(start + 64 + e[2]);
        }
        return b.array();
    }

    private static String run(Path input) throws IOException, InterruptedException {
        Process p = start(input);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "script did not finish");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static Process start(Path input) throws IOException {
        return new ProcessBuilder(PYTHON.toString(), SCRIPT.toString(), input.toString()).redirectErrorStream(true).start();
    }
}
