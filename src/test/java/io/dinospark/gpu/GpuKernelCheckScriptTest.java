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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code submit/gpu-kernel-check.py} reads the architectures out of CUDA fat binaries laid out as NVIDIA's tools
 * write them (header, then entries of kind 1 = PTX or 2 = machine code, each naming its architecture). Without a
 * GPU it lists them and loads nothing; given a compute capability it says whether a GPU of it can run them, for a
 * library or for the libraries inside a jar (libtorch's GPU build).
 */
class GpuKernelCheckScriptTest {

    private static final Path SCRIPT = Path.of("submit/gpu-kernel-check.py");
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path dir;

    @BeforeAll
    static void needsPython() {
        assumeTrue(Files.isExecutable(PYTHON), "needs /usr/bin/python3");
    }

    /** Two fat binaries in one file: sm_86 + compute_80, then sm_86 + sm_75. */
    private Path sampleFatbins() throws IOException {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(fatbin(new int[][] {{2, 86, 40}, {1, 80, 24}}));
        file.write(fatbin(new int[][] {{2, 86, 8}, {2, 75, 16}}));
        return Files.write(dir.resolve("sample.fatbin"), file.toByteArray());
    }

    @Test
    void listsTheArchitecturesOfConcatenatedFatBinaries() throws Exception {
        Path input = sampleFatbins();

        String out = run(input.toString());

        assertTrue(out.contains("2 fat binaries carrying compute_80 x1, sm_75 x1, sm_86 x2"), out);
        assertTrue(out.contains("listing architectures only") || out.contains("on this GPU:"), out);
    }

    @Test
    void judgesTheArchitecturesAgainstAComputeCapability() throws Exception {
        Path input = sampleFatbins();

        // Ada (8.9) runs sm_86 machine code; Turing (7.5) only the second binary's sm_75, not compute_80 PTX.
        String ada = run("--capability", "8.9", input.toString());
        assertTrue(ada.contains("code for sm_89: in 2 of 2 fat binaries: runs there"), ada);
        String turing = run("--capability", "7.5", input.toString());
        assertTrue(turing.contains("code for sm_75: in 1 of 2 fat binaries: does NOT run there"), turing);
    }

    @Test
    void saysWhetherTheLibrariesInsideAJarHaveCodeForAGpu() throws Exception {
        Path jar = dir.resolve("pytorch-gpu.jar");
        String library = "org/bytedeco/pytorch/linux-x86_64-gpu/libtorch_cuda.so";
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            zip.putNextEntry(new ZipEntry("org/bytedeco/pytorch/Tensor.class"));
            zip.write(new byte[64]);
            zip.putNextEntry(new ZipEntry(library));
            zip.write(fatbin(new int[][] {{2, 90, 32}, {2, 120, 32}}));
            zip.closeEntry();
        }

        String hopper = run("--capability", "9.0", jar.toString());
        assertTrue(hopper.contains(jar + "!/" + library + ": 1 fat binaries carrying sm_90 x1, sm_120 x1"), hopper);
        assertTrue(hopper.contains("code for sm_90: in 1 of 1 fat binaries: runs there"), hopper);
        // Blackwell B200 (10.0) needs sm_100: neither sm_90 nor sm_120 machine code runs there.
        String blackwell = run("--capability", "10.0", jar.toString());
        assertTrue(blackwell.contains("does NOT run there"), blackwell);
    }

    @Test
    void readsOnlyTheNvFatbinSectionOfASharedLibrary() throws Exception {
        // The section holds sm_90 + compute_90; an sm_70 fat binary lies elsewhere in the file, where reading the
        // whole file instead of the section would find it.
        Path library = Files.write(dir.resolve("libkernels.so"),
                elf(fatbin(new int[][] {{2, 90, 32}, {1, 90, 16}}), fatbin(new int[][] {{2, 70, 8}})));

        String out = run("--capability", "9.0", library.toString());

        assertTrue(out.contains(library + ": 1 fat binaries carrying compute_90 x1, sm_90 x1"), out);
        assertTrue(!out.contains("sm_70"), out);
        assertTrue(out.contains("code for sm_90: in 1 of 1 fat binaries: runs there"), out);
    }

    @Test
    void aCapabilityThatIsNotMajorDotMinorIsAnError() throws Exception {
        Process p = start("--capability", "sm_90", "x.so");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);

        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("--capability needs MAJOR.MINOR, such as 9.0 for an H100/H200; got 'sm_90'"), out);
    }

    @Test
    void aFileWithoutFatBinariesIsAnError() throws Exception {
        Path input = dir.resolve("empty.so");
        Files.write(input, new byte[64]);

        Process p = start(input.toString());
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

    /**
     * A minimal 64-bit little-endian ELF file: its header, a {@code .shstrtab} and a {@code .nv_fatbin} section
     * holding {@code section}, then {@code elsewhere} outside any section, then the section headers (null,
     * .shstrtab, .nv_fatbin).
     */
    private static byte[] elf(byte[] section, byte[] elsewhere) {
        byte[] names = "\0.shstrtab\0.nv_fatbin\0".getBytes(StandardCharsets.US_ASCII);
        int namesAt = 64;
        int sectionAt = align8(namesAt + names.length);
        int elsewhereAt = align8(sectionAt + section.length);
        int headersAt = align8(elsewhereAt + elsewhere.length);
        ByteBuffer b = ByteBuffer.allocate(headersAt + 3 * 64).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1}); // ELFCLASS64, little-endian, version 1
        b.putShort(16, (short) 3).putShort(18, (short) 62).putInt(20, 1); // ET_DYN, x86-64, EV_CURRENT
        b.putLong(0x28, headersAt).putShort(0x34, (short) 64); // e_shoff, e_ehsize
        b.putShort(0x3A, (short) 64).putShort(0x3C, (short) 3).putShort(0x3E, (short) 1); // shentsize, shnum, shstrndx
        b.put(namesAt, names).put(sectionAt, section).put(elsewhereAt, elsewhere);
        sectionHeader(b, headersAt + 64, 1, 3, namesAt, names.length); // .shstrtab, SHT_STRTAB
        sectionHeader(b, headersAt + 128, 11, 1, sectionAt, section.length); // .nv_fatbin, SHT_PROGBITS
        return b.array();
    }

    private static void sectionHeader(ByteBuffer b, int at, int name, int type, long offset, long size) {
        b.putInt(at, name).putInt(at + 4, type).putLong(at + 24, offset).putLong(at + 32, size).putLong(at + 48, 1);
    }

    private static int align8(int n) {
        return (n + 7) & ~7;
    }

    private static String run(String... args) throws IOException, InterruptedException {
        Process p = start(args);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "script did not finish");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), SCRIPT.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }
}
