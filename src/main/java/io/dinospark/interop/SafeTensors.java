package io.dinospark.interop;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The safetensors format (Hugging Face's; what timm and the hub publish weights in): an 8-byte little-endian
 * header length, a JSON header {@code {"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__":
 * {string: string}}}, then the tensors' raw little-endian bytes, offsets counted from the byte after the header.
 * Written as F32; read from F32, F16 or BF16 into floats.
 *
 * <p>A file is data only: the reader parses JSON and copies numbers, nothing else. Everything the header claims is
 * checked against the file's length before anything is allocated (header size, each tensor's byte range against its
 * dtype and shape, ranges inside the data and not overlapping), so a truncated or hostile file is an error that says
 * which check failed, never a large allocation.
 */
public final class SafeTensors {

    /** The largest header read; the format's own reference implementation refuses larger ones too. */
    static final long MAX_HEADER = 100_000_000;
    private static final String METADATA = "__metadata__";
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final int CHUNK = 1 << 20;

    /** One tensor, converted to float: its shape and its values, row-major. */
    public record Tensor(long[] shape, float[] values) {

        public Tensor {
            if (elements(shape) != values.length) {
                throw new IllegalArgumentException("a tensor of shape " + Arrays.toString(shape) + " has "
                        + elements(shape) + " values, not " + values.length);
            }
        }
    }

    /** A file's tensors in header order, and its metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    private enum DType {
        F32(4), F16(2), BF16(2);

        final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }

        float read(ByteBuffer b) {
            return switch (this) {
                case F32 -> b.getFloat();
                case F16 -> halfToFloat(b.getShort());
                case BF16 -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
            };
        }
    }

    private record Entry(String name, DType dtype, long[] shape, long begin, long end) {
    }

    private SafeTensors() {
    }

    /** Writes {@code tensors} (in their iteration order) as F32 with {@code metadata}. */
    public static void write(OutputStream out, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals(METADATA)) {
                throw new IllegalArgumentException("a tensor cannot be called " + METADATA);
            }
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", DType.F32.name());
            ArrayNode shape = t.putArray("shape");
            Arrays.stream(e.getValue().shape()).forEach(shape::add);
            long end = offset + (long) e.getValue().values().length * Float.BYTES;
            t.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8; // the data starts 8-aligned, as the format's own writer does
        byte[] head = Arrays.copyOf(json, padded);
        Arrays.fill(head, json.length, padded, (byte) ' ');
        out.write(ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
        out.write(head);
        ByteBuffer bytes = ByteBuffer.allocate(CHUNK * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (Tensor t : tensors.values()) {
            float[] v = t.values();
            for (int from = 0; from < v.length; from += CHUNK) {
                int n = Math.min(CHUNK, v.length - from);
                bytes.clear();
                bytes.asFloatBuffer().put(v, from, n);
                out.write(bytes.array(), 0, n * Float.BYTES);
            }
        }
    }

    /** Reads every tensor of {@code file}; an {@link IOException} naming the file and the check that failed. */
    public static Contents read(FileSystem fs, Path file) throws IOException {
        long length = fs.getFileStatus(file).getLen();
        try (FSDataInputStream in = fs.open(file)) {
            if (length < Long.BYTES) {
                throw bad(file, "is " + length + " bytes, shorter than the 8-byte header length");
            }
            byte[] prefix = new byte[Long.BYTES];
            in.readFully(0, prefix);
            long headerLength = ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLength < 2 || headerLength > MAX_HEADER || headerLength > length - Long.BYTES) {
                throw bad(file, "declares a header of " + headerLength + " bytes; the file has "
                        + (length - Long.BYTES) + " after the length (and headers are 2 to " + MAX_HEADER + " bytes)");
            }
            byte[] headerBytes = new byte[(int) headerLength];
            in.readFully(Long.BYTES, headerBytes);
            long dataStart = Long.BYTES + headerLength;
            Map<String, String> metadata = new LinkedHashMap<>();
            List<Entry> entries = entries(file, headerBytes, length - dataStart, metadata);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Entry e : entries) {
                tensors.put(e.name(), new Tensor(e.shape(), values(in, dataStart, e)));
            }
            return new Contents(tensors, metadata);
        }
    }

    /** The header's entries, each checked against the data's length; none overlapping. */
    private static List<Entry> entries(Path file, byte[] header, long dataLength, Map<String, String> metadata)
            throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(new String(header, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw bad(file, "has a header that is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) {
            throw bad(file, "has a header that is not a JSON object");
        }
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals(METADATA)) {
                readMetadata(file, field.getValue(), metadata);
            } else {
                entries.add(entry(file, field.getKey(), field.getValue(), dataLength));
            }
        }
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        for (int i = 1; i < byOffset.size(); i++) {
            Entry previous = byOffset.get(i - 1);
            Entry e = byOffset.get(i);
            if (e.begin() < previous.end()) {
                throw bad(file, "has overlapping tensors: " + previous.name() + " [" + previous.begin() + ", "
                        + previous.end() + ") and " + e.name() + " [" + e.begin() + ", " + e.end() + ")");
            }
        }
        return entries;
    }

    private static void readMetadata(Path file, JsonNode node, Map<String, String> metadata) throws IOException {
        if (!node.isObject()) {
            throw bad(file, "has a " + METADATA + " that is not an object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> m = it.next();
            if (!m.getValue().isTextual()) {
                throw bad(file, "has metadata " + m.getKey() + " = " + m.getValue() + ", not a string");
            }
            metadata.put(m.getKey(), m.getValue().asText());
        }
    }

    private static Entry entry(Path file, String name, JsonNode node, long dataLength) throws IOException {
        String what = "tensor " + name;
        if (!node.isObject() || !node.path("dtype").isTextual() || !node.path("shape").isArray()
                || !node.path("data_offsets").isArray() || node.size() != 3) {
            throw bad(file, "has " + what + " that is not {\"dtype\", \"shape\", \"data_offsets\"}: " + node);
        }
        String typeName = node.get("dtype").asText();
        DType dtype = Arrays.stream(DType.values()).filter(d -> d.name().equals(typeName)).findFirst()
                .orElseThrow(() -> bad(file, "has " + what + " of dtype " + typeName + "; supported: F32, F16, BF16"));
        JsonNode shapeNode = node.get("shape");
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                throw bad(file, "has " + what + " with a shape that is not a list of sizes >= 0: " + shapeNode);
            }
            shape[i] = d.asLong();
        }
        JsonNode offsets = node.get("data_offsets");
        if (offsets.size() != 2 || !offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()
                || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()) {
            throw bad(file, "has " + what + " whose data_offsets are not [begin, end]: " + offsets);
        }
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin || end > dataLength) {
            throw bad(file, "has " + what + " at bytes [" + begin + ", " + end + ") of a data section of "
                    + dataLength + " bytes (out of range)");
        }
        long count;
        try {
            count = elements(shape);
            Math.multiplyExact(count, (long) dtype.bytes);
        } catch (ArithmeticException e) {
            throw bad(file, "has " + what + " of shape " + Arrays.toString(shape) + ", too large to count");
        }
        if (count * dtype.bytes != end - begin) {
            throw bad(file, "has " + what + " of shape " + Arrays.toString(shape) + " and dtype " + dtype + " ("
                    + count * dtype.bytes + " bytes) at a range of " + (end - begin) + " bytes");
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw bad(file, "has " + what + " of " + count + " values, more than one array holds");
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    private static float[] values(FSDataInputStream in, long dataStart, Entry e) throws IOException {
        float[] values = new float[Math.toIntExact((e.end() - e.begin()) / e.dtype().bytes)];
        byte[] bytes = new byte[CHUNK * e.dtype().bytes];
        long position = dataStart + e.begin();
        for (int from = 0; from < values.length; from += CHUNK) {
            int n = Math.min(CHUNK, values.length - from);
            in.readFully(position, bytes, 0, n * e.dtype().bytes);
            position += (long) n * e.dtype().bytes;
            ByteBuffer b = ByteBuffer.wrap(bytes, 0, n * e.dtype().bytes).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                values[from + i] = e.dtype().read(b);
            }
        }
        return values;
    }

    static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** IEEE 754 half precision to float, subnormals, infinities and NaN included. */
    static float halfToFloat(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    private static IOException bad(Path file, String what) {
        return new IOException("safetensors file " + file + " " + what);
    }
}
