package io.dinospark.data;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A labelled synthetic image set for tests and for machines without a real one. Each class is one shape (disc,
 * square, triangle, ring, cross) with one texture (plain, stripes, checks, dots) in one colour; every image puts
 * it at a random position and size on a random, softly graded background. Images have random, mostly
 * non-square sizes and are written alternately as JPEG and PNG, so a run meets both decoders. Everything is
 * deterministic from the seed.
 */
public final class SyntheticImageSet {

    public static final int DEFAULT_CLASSES = 10;
    /** Shape, texture and colour cycle with periods 5, 4 and 6: beyond lcm = 60 classes would repeat. */
    public static final int MAX_CLASSES = 60;
    public static final int MIN_SIDE = 48;
    public static final int MAX_SIDE = 160;

    private static final String[] SHAPES = {"disc", "square", "triangle", "ring", "cross"};
    private static final String[] TEXTURES = {"plain", "stripes", "checks", "dots"};
    private static final String[] COLOUR_NAMES = {"red", "green", "blue", "yellow", "magenta", "cyan"};
    private static final float[][] COLOURS = {
        {0.85f, 0.15f, 0.15f}, {0.15f, 0.75f, 0.2f}, {0.15f, 0.3f, 0.9f},
        {0.9f, 0.85f, 0.15f}, {0.85f, 0.2f, 0.8f}, {0.15f, 0.8f, 0.85f}};
    private static final float JPEG_QUALITY = 0.9f;

    private final int classes;
    private final long seed;

    /**
     * @param classes number of classes, 1 to {@value #MAX_CLASSES}
     * @param seed    every image derives its own random stream from it, its split, class and index
     */
    public SyntheticImageSet(int classes, long seed) {
        if (classes < 1 || classes > MAX_CLASSES) {
            throw new IllegalArgumentException("synthetic classes must be 1 to " + MAX_CLASSES + ", got " + classes);
        }
        this.classes = classes;
        this.seed = seed;
    }

    /** Class folders in label order, e.g. {@code 0-red_disc_plain}; zero-padded so that name order is label order. */
    public List<String> classFolders() {
        int digits = String.valueOf(classes - 1).length();
        List<String> folders = new ArrayList<>(classes);
        for (int c = 0; c < classes; c++) {
            folders.add(String.format("%0" + digits + "d-%s_%s_%s", c, COLOUR_NAMES[c % COLOURS.length],
                    SHAPES[c % SHAPES.length], TEXTURES[c % TEXTURES.length]));
        }
        return folders;
    }

    /**
     * Writes {@code <out>/train/<class>/<i>.{jpg,png}} and the same under {@code val/} (any Hadoop URI), replacing
     * the class folders of an earlier run.
     *
     * @param writeIndex also write {@code <out>/<split>/index.tsv}
     */
    public WrittenImageSet write(String out, int trainPerClass, int valPerClass, boolean writeIndex)
            throws IOException {
        if (trainPerClass < 0 || valPerClass < 0) {
            throw new IllegalArgumentException("images per class must be >= 0, got train " + trainPerClass
                    + ", val " + valPerClass);
        }
        List<String> folders = classFolders();
        ImageSetWriter writer = new ImageSetWriter(out, writeIndex);
        writeSplit(writer, "train", trainPerClass, folders);
        writeSplit(writer, "val", valPerClass, folders);
        return writer.finish(folders);
    }

    private void writeSplit(ImageSetWriter writer, String split, int perClass, List<String> folders)
            throws IOException {
        writer.clear(split, folders);
        for (int label = 0; label < classes; label++) {
            for (int i = 0; i < perClass; i++) {
                BufferedImage image = image(split, label, i);
                // Alternating over class and index, so that both formats appear even with one image per class.
                boolean jpeg = (label + i) % 2 == 0;
                byte[] bytes = jpeg ? ImageSetWriter.jpeg(image, JPEG_QUALITY) : ImageSetWriter.png(image);
                writer.write(split, folders.get(label), i + (jpeg ? ".jpg" : ".png"), bytes);
            }
        }
    }

    /** Image {@code index} of class {@code label} in {@code split}; the same arguments always give the same image. */
    public BufferedImage image(String split, int label, int index) {
        if (label < 0 || label >= classes) {
            throw new IllegalArgumentException("label must be 0 to " + (classes - 1) + ", got " + label);
        }
        long s = seed;
        s = s * 1_000_003L + split.hashCode();
        s = s * 1_000_003L + label;
        s = s * 1_000_003L + index;
        SplittableRandom rng = new SplittableRandom(s);

        int w = MIN_SIDE + rng.nextInt(MAX_SIDE - MIN_SIDE + 1);
        int h = MIN_SIDE + rng.nextInt(MAX_SIDE - MIN_SIDE + 1);
        float[] background = new float[3];
        float grey = 0.2f + 0.6f * rng.nextFloat();
        for (int c = 0; c < 3; c++) {
            // Mostly grey, so that the shape's colour stays the signal.
            background[c] = 0.7f * grey + 0.3f * rng.nextFloat();
        }
        double angle = rng.nextDouble() * 2 * Math.PI;
        float gradient = 0.25f * rng.nextFloat() / Math.max(w, h);
        float gx = (float) Math.cos(angle) * gradient;
        float gy = (float) Math.sin(angle) * gradient;

        float[] colour = new float[3];
        for (int c = 0; c < 3; c++) {
            colour[c] = COLOURS[label % COLOURS.length][c] + 0.16f * (rng.nextFloat() - 0.5f);
        }
        int shape = label % SHAPES.length;
        int texture = label % TEXTURES.length;
        double radius = Math.min(w, h) * (0.2 + 0.22 * rng.nextDouble());
        double cx = radius + rng.nextDouble() * (w - 2 * radius);
        double cy = radius + rng.nextDouble() * (h - 2 * radius);
        int period = 5 + rng.nextInt(5);

        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float noise = 0.06f * (rng.nextFloat() - 0.5f);
                float shade;
                float[] base;
                if (inside(shape, (x - cx) / radius, (y - cy) / radius)) {
                    base = colour;
                    shade = lit(texture, x, y, period) ? 1f : 0.4f;
                } else {
                    base = background;
                    shade = 1f + (x - w / 2f) * gx + (y - h / 2f) * gy;
                }
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    rgb = rgb << 8 | Math.round(255 * Math.min(1f, Math.max(0f, base[c] * shade + noise)));
                }
                pixels[y * w + x] = rgb;
            }
        }
        return image;
    }

    /** Whether the point (u, v), in units of the shape's radius from its centre, is inside the shape. */
    private static boolean inside(int shape, double u, double v) {
        double r2 = u * u + v * v;
        return switch (shape) {
            case 0 -> r2 <= 1;
            case 1 -> Math.abs(u) <= 0.8 && Math.abs(v) <= 0.8;
            case 2 -> v <= 0.8 && Math.abs(u) <= (v + 1) * 0.5;
            case 3 -> r2 <= 1 && r2 >= 0.4;
            default -> Math.abs(u) <= 1 && Math.abs(v) <= 1 && (Math.abs(u) <= 0.3 || Math.abs(v) <= 0.3);
        };
    }

    /** Whether pixel (x, y) of a shape takes the full colour (true) or the darker shade of its texture. */
    private static boolean lit(int texture, int x, int y, int period) {
        return switch (texture) {
            case 0 -> true;
            case 1 -> ((x + y) / period) % 2 == 0;
            case 2 -> (x / period + y / period) % 2 == 0;
            default -> {
                float dx = x % period - period / 2f;
                float dy = y % period - period / 2f;
                yield dx * dx + dy * dy > period * period / 9f;
            }
        };
    }
}
