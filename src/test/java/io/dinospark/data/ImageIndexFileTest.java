package io.dinospark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageIndexFileTest {

    @TempDir
    Path dir;

    @Test
    void entriesRoundTrip() throws IOException {
        List<ImageIndexFile.Entry> entries = List.of(new ImageIndexFile.Entry("0-a/1.png", 123, "0-a"),
                new ImageIndexFile.Entry("1-b/sub dir/2.jpg", 0, "1-b"), new ImageIndexFile.Entry("x.jpg", 7, ""));
        org.apache.hadoop.fs.Path file = ImageIndexFile.write(dir.toUri().toString(), entries);
        assertEquals(ImageIndexFile.FILE_NAME, file.getName());
        assertEquals("0-a/1.png\t123\t0-a\n1-b/sub dir/2.jpg\t0\t1-b\nx.jpg\t7\t\n",
                Files.readString(dir.resolve(ImageIndexFile.FILE_NAME)));
        assertEquals(entries, ImageIndexFile.read(file.toString()));
        // Overwrites.
        ImageIndexFile.write(dir.toString(), entries.subList(0, 1));
        assertEquals(entries.subList(0, 1), ImageIndexFile.read(dir.resolve(ImageIndexFile.FILE_NAME).toString()));
    }

    @Test
    void malformedLinesNameTheFileAndLine() throws IOException {
        assertMalformed("a.png\t1\tcat\nb.png\t2\n", "line 2", "3 fields");
        assertMalformed("a.png\tbig\tcat\n", "line 1", "'big'");
        assertMalformed("a.png\t1\tcat\n\n", "line 2", "got 1");
        assertMalformed("a.png\t-4\tcat\n", "line 1", "-4");
        assertMalformed("\t4\tcat\n", "line 1", "path");
    }

    private void assertMalformed(String content, String line, String detail) throws IOException {
        Path file = dir.resolve("bad-index.tsv");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> ImageIndexFile.read(file.toString()));
        assertTrue(e.getMessage().contains("bad-index.tsv " + line + ":"), e.getMessage());
        assertTrue(e.getMessage().contains(detail), e.getMessage());
    }

    @Test
    void entriesRefuseSeparatorsInFields() {
        assertThrows(IllegalArgumentException.class, () -> new ImageIndexFile.Entry("a\tb.png", 1, "x"));
        assertThrows(IllegalArgumentException.class, () -> new ImageIndexFile.Entry("a.png", 1, "x\ny"));
        assertThrows(IllegalArgumentException.class, () -> new ImageIndexFile.Entry("a.png", -1, "x"));
    }
}
