package io.dinospark.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;

import io.dinospark.data.UndecodableImageException.Reason;

/**
 * Decodes an image file's bytes into an {@link RgbImage}: JPEG (baseline, progressive, CMYK and YCCK through the
 * TwelveMonkeys plugin), PNG of every colour type and bit depth, and anything else an ImageIO reader accepts.
 * Alpha is dropped without compositing, as PIL's {@code convert('RGB')} does. The dimensions are read from the
 * header first, so that a decompression bomb is refused before any pixel memory is allocated.
 */
public final class ImageDecoder {

    /** PIL's decompression-bomb limit ({@code Image.MAX_IMAGE_PIXELS} times 2, where PIL stops warning and fails). */
    public static final long MAX_PIXELS = 178_956_970L;
    /** The longest side accepted: JPEG's own limit, and far beyond any training image. */
    public static final int MAX_SIDE = 65_535;

    // Warnings that say only metadata was ignored: the pixels are whole, and reading such files (broken ICC
    // profiles above all) is why the TwelveMonkeys reader is here. Every other warning means lost pixel data.
    private static final List<String> HARMLESS_WARNINGS =
            List.of("color profile", "colour profile", "icc", "thumbnail", "jfif marker");

    static {
        // ImageIO registers the plugins its first caller's class loader sees; where that loader lacked the job's
        // jar (an executor, a notebook kernel), CMYK JPEGs would fail until the plugins are scanned again.
        if (!twelveMonkeysRegistered()) {
            ImageIO.scanForPlugins();
        }
    }

    private ImageDecoder() {
    }

    private static boolean twelveMonkeysRegistered() {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        while (readers.hasNext()) {
            if (readers.next().getClass().getName().startsWith("com.twelvemonkeys.")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Decodes {@code bytes}; {@code name} is used only in error messages.
     *
     * @throws UndecodableImageException when the bytes are empty, not an image, corrupt or too large
     */
    public static RgbImage decode(byte[] bytes, String name) {
        if (bytes == null || bytes.length == 0) {
            throw new UndecodableImageException(name, Reason.EMPTY,
                    "the file is empty (0 bytes); expected the bytes of an image file", null);
        }
        try (ImageInputStream in = new ByteArrayImageInputStream(bytes)) {
            ImageReader reader = readerFor(in, bytes, name);
            try {
                return read(reader, in, name);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            // Only close() can get here, and closing an in-memory stream does not fail.
            throw new UncheckedIOException(e);
        }
    }

    private static ImageReader readerFor(ImageInputStream in, byte[] bytes, String name) {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw new UndecodableImageException(name, Reason.NOT_AN_IMAGE, "not an image format ImageIO reads"
                    + " (the file starts with bytes " + hexHead(bytes) + "); expected one of "
                    + readableFormats(), null);
        }
        return readers.next();
    }

    private static RgbImage read(ImageReader reader, ImageInputStream in, String name) {
        String format = format(reader);
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        reader.setInput(in, true, true);
        int width;
        int height;
        try {
            width = reader.getWidth(0);
            height = reader.getHeight(0);
        } catch (IOException | RuntimeException e) {
            throw corrupt(name, format, "its header cannot be read: " + e.getMessage(), e);
        }
        if (width > MAX_SIDE || height > MAX_SIDE || (long) width * height > MAX_PIXELS) {
            throw tooLarge(name, format, width, height);
        }
        BufferedImage image;
        try {
            image = reader.read(0);
        } catch (IOException | RuntimeException e) {
            throw corrupt(name, format, "its data cannot be decoded: " + e.getMessage(), e);
        }
        List<String> harmful = warnings.stream().filter(w -> !isHarmless(w)).toList();
        if (!harmful.isEmpty()) {
            // ImageIO hands back a partly decoded picture (grey below the cut) for a truncated JPEG and only warns.
            throw corrupt(name, format, "the decoder warned: " + String.join("; ", harmful), null);
        }
        return RgbConversion.toRgb(image);
    }

    private static UndecodableImageException tooLarge(String name, String format, long width, long height) {
        return new UndecodableImageException(name, Reason.TOO_LARGE, "the " + format + " header declares "
                + width + "x" + height + " pixels (" + width * height + "), over the limit of " + MAX_PIXELS
                + " pixels and " + MAX_SIDE + " per side (PIL's decompression-bomb limit); expected a smaller"
                + " image", null);
    }

    private static UndecodableImageException corrupt(String name, String format, String what, Throwable cause) {
        return new UndecodableImageException(name, Reason.CORRUPT, "truncated or corrupt " + format + " data, "
                + what + "; expected a complete " + format + " file", cause);
    }

    private static boolean isHarmless(String warning) {
        String w = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
        return !w.isEmpty() && HARMLESS_WARNINGS.stream().anyMatch(w::contains);
    }

    private static String format(ImageReader reader) {
        try {
            return reader.getFormatName().toUpperCase(Locale.ROOT);
        } catch (IOException e) {
            return "image";
        }
    }

    private static String hexHead(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(8, bytes.length); i++) {
            s.append(i == 0 ? "" : " ").append(String.format("%02x", bytes[i] & 0xFF));
        }
        return s.toString();
    }

    private static String readableFormats() {
        TreeSet<String> formats = new TreeSet<>();
        Arrays.stream(ImageIO.getReaderFormatNames()).forEach(f -> formats.add(f.toLowerCase(Locale.ROOT)));
        return String.join(", ", formats);
    }
}
