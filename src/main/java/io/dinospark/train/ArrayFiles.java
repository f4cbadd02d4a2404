package io.dinospark.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Flat float arrays in checkpoints, in a format of the project's own: the 8 bytes {@code DINOF32\n}, the element
 * count as a big-endian 64-bit integer, then the elements as big-endian IEEE floats. A reader says how many elements
 * it expects (from the run's configuration) and checks the header and the file's length before allocating anything,
 * so a damaged or hostile file is refused with an error, never a huge allocation.
 */
final class ArrayFiles {

    private static final byte[] MAGIC = "DINOF32\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final long HEADER = MAGIC.length + Long.BYTES;
    private static final int CHUNK = 1 << 20;

    private ArrayFiles() {
    }

    static void write(FileSystem fs, Path file, INDArray array) throws IOException {
        float[] values = array.castTo(DataType.FLOAT).reshape(array.length()).toFloatVector();
        try (DataOutputStream out = new DataOutputStream(fs.create(file))) {
            out.write(MAGIC);
            out.writeLong(values.length);
            ByteBuffer bytes = ByteBuffer.allocate(CHUNK * Float.BYTES);
            for (int from = 0; from < values.length; from += CHUNK) {
                int n = Math.min(CHUNK, values.length - from);
                bytes.clear();
                bytes.asFloatBuffer().put(values, from, n);
                out.write(bytes.array(), 0, n * Float.BYTES);
            }
        }
    }

    /**
     * The array in {@code file}, one-dimensional.
     *
     * @param what     what the array is, for errors ("the teacher's parameters")
     * @param expected the element count the run's configuration implies
     */
    static INDArray read(FileSystem fs, Path file, String what, long expected) throws IOException {
        long length = fs.getFileStatus(file).getLen();
        try (DataInputStream in = new DataInputStream(fs.open(file))) {
            byte[] magic = new byte[MAGIC.length];
            if (length < HEADER) {
                throw new IOException(file + " (" + what + ") is " + length + " bytes, shorter than the " + HEADER
                        + "-byte header of an array file");
            }
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException(file + " (" + what + ") is not a dino-spark array file (it does not start"
                        + " with DINOF32)");
            }
            long count = in.readLong();
            if (count != expected) {
                throw new IOException(file + " (" + what + ") holds " + count + " values; the run's configuration"
                        + " needs " + expected);
            }
            if (length != HEADER + count * Float.BYTES) {
                throw new IOException(file + " (" + what + ") is " + length + " bytes; " + count + " values need "
                        + (HEADER + count * Float.BYTES) + " (truncated or padded)");
            }
            float[] values = new float[Math.toIntExact(count)];
            byte[] bytes = new byte[CHUNK * Float.BYTES];
            for (int from = 0; from < values.length; from += CHUNK) {
                int n = Math.min(CHUNK, values.length - from);
                in.readFully(bytes, 0, n * Float.BYTES);
                FloatBuffer floats = ByteBuffer.wrap(bytes, 0, n * Float.BYTES).asFloatBuffer();
                floats.get(values, from, n);
            }
            return Nd4j.create(values, new long[] {count}, DataType.FLOAT);
        }
    }
}
