package io.dinospark.data;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A labelled synthetic image set for tests and for machines without a real one. A class is what DINO's
 * augmentations keep: one shape (disc, square, triangle, ring, cross) with one texture (plain, stripes, checks,
 * dots), drawn at the scale of the shape. Everything those augmentations vary is a nuisance drawn anew for every
 * image: the brightness and faint tint of the shape and of its softly graded background (with a contrast between
 * them that survives greyscale), the shape's position, size and rotation. Images have random, mostly non-square
 * sizes (sides within 3:4) and are written alternately as JPEG and PNG, so a run meets both decoders. Everything is
 * deterministic from the seed.
 */
public final class SyntheticImageSet {

    public static final int DEFAULT_CLASSES = 10;
    /** Every pairing of the 5 shapes with the 4 textures. */
    public static final int MAX_CLASSES = 20;
    public static final int MIN_SIDE = 48;
    public static final int MAX_SIDE = 160;

    private static final String[] SHAPES = {"disc", "square", "triangle", "ring", "cross"};
    private static final String[] TEXTURES = {"plain", "stripes", "checks", "dots"};
    /** The least difference in brightness (0 to 1) between a shape and its background. */
    private static final float MIN_CONTRAST = 0.3f;
    /** How far a colour's channels stray from its grey level. */
    private static final float TINT = 0.3f;
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

    /** Class folders in label order, e.g. {@code 0-disc_plain}; zero-padded so that name order is label order. */
    public List<String> classFolders() {
        int digits = String.valueOf(classes - 1).length();
        List<String> folders = new ArrayList<>(classes);
        for (int c = 0; c < classes; c++) {
            folders.add(String.format("%0" + digits + "d-%s_%s", c, SHAPES[shape(c)], TEXTURES[texture(c)]));
        }
        return folders;
    }

    private static int shape(int label) {
        return label % SHAPES.length;
    }

    private static int texture(int label) {
        return label / SHAPES.length;
    }

    /**
     * Writes {@code <out>/train/<class>/<i>.{jpg,png}} and the same under {@code val/} and, when asked for,
     * {@code holdout/} (any Hadoop URI), replacing the class folders of an earlier run. Each split draws its own
     * images.
     *
     * @param writeIndex also write {@code <out>/<split>/index.tsv}
     */
    public WrittenImageSet write(String out, int trainPerClass, int valPerClass, int holdoutPerClass,
            boolean writeIndex) throws IOException {
        if (trainPerClass < 0 || valPerClass < 0 || holdoutPerClass < 0) {
            throw new IllegalArgumentException("images per class must be >= 0, got train " + trainPerClass
                    + ", val " + valPerClass + ", holdout " + holdoutPerClass);
        }
        List<String> folders = classFolders();
        ImageSetWriter writer = new ImageSetWriter(out, writeIndex);
        writeSplit(writer, "train", trainPerClass, folders);
        writeSplit(writer, "val", valPerClass, folders);
        if (holdoutPerClass > 0) {
            writeSplit(writer, WrittenImageSet.HOLDOUT, holdoutPerClass, folders);
        }
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
        // Sides within 3:4 of each other, so that an evaluation's centre crop keeps most of the image.
        int h = Math.min(MAX_SIDE, Math.max(MIN_SIDE, (int) Math.round(w * (0.75 + rng.nextDouble() / 1.7))));
        float[] background = randomColour(rng);
        float[] colour = randomColour(rng);
        float contrast = brightness(colour) - brightness(background);
        if (Math.abs(contrast) < MIN_CONTRAST) {
            // Lighten or darken the shape (whichever has room) until greyscale still tells it from the background.
            float shift = (brightness(background) < 0.5f ? 1 : -1) * MIN_CONTRAST - contrast;
            for (int c = 0; c < 3; c++) {
                colour[c] = Math.min(1f, Math.max(0f, colour[c] + shift));
            }
        }
        double angle = rng.nextDouble() * 2 * Math.PI;
        float gradient = 0.25f * rng.nextFloat() / Math.max(w, h);
        float gx = (float) Math.cos(angle) * gradient;
        float gy = (float) Math.sin(angle) * gradient;

        int shape = shape(label);
        int texture = texture(label);
        double radius = Math.min(w, h) * (0.3 + 0.15 * rng.nextDouble());
        double cx = radius + rng.nextDouble() * (w - 2 * radius);
        double cy = radius + rng.nextDouble() * (h - 2 * radius);
        double rotation = rng.nextDouble() * 2 * Math.PI;
        double cos = Math.cos(rotation);
        double sin = Math.sin(rotation);
        // At the scale of the shape, so that the texture survives the crops' downscaling as the shape does.
        double period = radius * (0.3 + 0.1 * rng.nextDouble());

        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float noise = 0.06f * (rng.nextFloat() - 0.5f);
                double u = ((x - cx) * cos + (y - cy) * sin) / radius;
                double v = (-(x - cx) * sin + (y - cy) * cos) / radius;
                float shade;
                float[] base;
                if (inside(shape, u, v)) {
                    base = colour;
                    shade = lit(texture, u * radius / period, v * radius / period) ? 1f : 0.55f;
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

    /**
     * A random brightness with a faint random tint: DINO's colour jitter moves hue by a tenth of the circle at most,
     * so strong random hues would be what its views agree on, not the shape.
     */
    private static float[] randomColour(SplittableRandom rng) {
        float grey = 0.1f + 0.8f * rng.nextFloat();
        float[] rgb = new float[3];
        for (int c = 0; c < 3; c++) {
            rgb[c] = grey + TINT * (rng.nextFloat() - 0.5f);
        }
        return rgb;
    }

    /** Rec. 601 luma, as greyscale conversion computes it. */
    private static float brightness(float[] rgb) {
        return 0.299f * rgb[0] + 0.587f * rgb[1] + 0.114f * rgb[2];
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

    /** Whether the point (a, b) of a shape, in texture periods in the shape's own frame, takes the full colour. */
    private static boolean lit(int texture, double a, double b) {
        return switch (texture) {
            case 0 -> true;
            case 1 -> Math.floorMod((long) Math.floor(a), 2) == 0;
            case 2 -> Math.floorMod((long) Math.floor(a) + (long) Math.floor(b), 2) == 0;
            default -> {
                double da = a - Math.floor(a) - 0.5;
                double db = b - Math.floor(b) - 0.5;
                yield da * da + db * db > 1 / 9.0;
            }
        };
    }
}
