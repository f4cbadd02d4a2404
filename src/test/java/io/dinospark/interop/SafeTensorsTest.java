package io.dinospark.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {

    @TempDir
    java.nio.file.Path dir;

    private SafeTensors.Contents read(byte[] bytes) throws IOException {
        java.nio.file.Path file = dir.resolve("w.safetensors");
        Files.write(file, bytes);
        return SafeTensors.read(FileSystem.getLocal(new Configuration()), new Path(file.toString()));
    }

    /** A file of the given header JSON and {@code data} bytes. */
    private static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h)
                .put(data).array();
    }

    private IOException refused(byte[] bytes) {
        return assertThrows(IOException.class, () -> read(bytes));
    }

    @Test
    void writtenTensorsAndMetadataReadBackInOrder() throws IOException {
        Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
        tensors.put("b", new SafeTensors.Tensor(new long[] {2, 3}, new float[] {1, -2, 3.5f, 4, 5, Float.MIN_VALUE}));
        tensors.put("a", new SafeTensors.Tensor(new long[] {}, new float[] {7}));
        tensors.put("empty", new SafeTensors.Tensor(new long[] {0, 4}, new float[0]));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafeTensors.write(out, tensors, Map.of("step", "12"));
        byte[] bytes = out.toByteArray();
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8, "the data starts 8-aligned");

        SafeTensors.Contents back = read(bytes);
        assertEquals(List.of("b", "a", "empty"), List.copyOf(back.tensors().keySet()));
        for (String name : tensors.keySet()) {
            assertArrayEquals(tensors.get(name).shape(), back.tensors().get(name).shape(), name);
            assertArrayEquals(tensors.get(name).values(), back.tensors().get(name).values(), name);
        }
        assertEquals(Map.of("step", "12"), back.metadata());
    }

    @Test
    void halfAndBfloat16AreReadAsFloats() throws IOException {
        // F16: 1.0 = 0x3c00, -2.0 = 0xc000, 65504 = 0x7bff, smallest subnormal 0x0001; BF16: 1.0 = 0x3f80, -0.5 = 0xbf00
        ByteBuffer data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) 0x3c00).putShort((short) 0xc000).putShort((short) 0x7bff).putShort((short) 0x0001)
                .putShort((short) 0x3f80).putShort((short) 0xbf00);
        SafeTensors.Contents c = read(file("{\"h\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[8,12]}}", data.array()));
        assertArrayEquals(new float[] {1, -2, 65504, 0x1p-24f}, c.tensors().get("h").values());
        assertArrayEquals(new float[] {1, -0.5f}, c.tensors().get("b").values());
    }

    @Test
    void aFileShorterThanTheLengthFieldIsRefused() {
        assertTrue(refused(new byte[] {1, 2, 3}).getMessage().contains("shorter than the 8-byte header length"));
    }

    @Test
    void aHeaderLargerThanTheFileIsRefused() {
        byte[] bytes = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array();
        assertTrue(refused(bytes).getMessage().contains("declares a header of 1099511627776 bytes"));
    }

    @Test
    void aTruncatedFileIsRefused() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafeTensors.write(out, Map.of("w", new SafeTensors.Tensor(new long[] {4}, new float[] {1, 2, 3, 4})), Map.of());
        byte[] whole = out.toByteArray();
        String message = refused(java.util.Arrays.copyOf(whole, whole.length - 3)).getMessage();
        assertTrue(message.contains("tensor w at bytes [0, 16) of a data section of 13 bytes (out of range)"), message);
    }

    @Test
    void offsetsOutOfRangeOrOverlappingAreRefused() {
        byte[] data = new byte[16];
        assertTrue(refused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", data))
                .getMessage().contains("out of range"));
        assertTrue(refused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,4]}}", data))
                .getMessage().contains("out of range"));
        String overlap = refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", data)).getMessage();
        assertTrue(overlap.contains("overlapping tensors: a [0, 8) and b [4, 12)"), overlap);
    }

    @Test
    void aRangeThatDoesNotMatchTheShapeIsRefused() {
        String message = refused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]))
                .getMessage();
        assertTrue(message.contains("tensor w of shape [3] and dtype F32 (12 bytes) at a range of 8 bytes"), message);
        // A shape too large to count is refused before anything is allocated.
        assertTrue(refused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}",
                new byte[8])).getMessage().contains("too large to count"));
    }

    @Test
    void anUnsupportedDtypeIsRefused() {
        String message = refused(file("{\"w\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", new byte[8]))
                .getMessage();
        assertTrue(message.contains("tensor w of dtype I64; supported: F32, F16, BF16"), message);
    }

    @Test
    void aMalformedHeaderIsRefused() {
        assertTrue(refused(file("{\"w\": [1, 2", new byte[0])).getMessage().contains("not valid JSON"));
        assertTrue(refused(file("[1, 2]", new byte[0])).getMessage().contains("not a JSON object"));
        assertTrue(refused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4])).getMessage()
                .contains("not {\"dtype\", \"shape\", \"data_offsets\"}"));
        assertTrue(refused(file("{\"__metadata__\":{\"step\":3}}", new byte[0])).getMessage()
                .contains("metadata step = 3, not a string"));
        assertTrue(refused(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8])).getMessage()
                .contains("not valid JSON"), "a duplicate name");
    }
}
