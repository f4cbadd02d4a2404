package io.dinospark.data;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The Copydays "strong" family of copy attacks (Jegou et al. 2008; the block the DINO paper reports): crops of 10
 * to 80% of the area, rotations, JPEG quality 3 to 75, blur, colour changes, flips, overlaid text or shapes, and
 * combinations of them. A copy applies one to three distinct attacks, chosen and parametrised by its own seed, in a
 * fixed order (geometry, then colour and blur, then overlay, then JPEG); the same seed always gives the same bytes.
 */
public final class CopyAttacks {

    /** The attacks, in the order a copy applies them. */
    enum Attack { CROP, ROTATE, FLIP, COLOUR, BLUR, OVERLAY, JPEG }

    private static final String[] WORDS = {"COPY", "sale", "dino", "2021", "(c) spark", "LOGO", "www", "hello"};

    /** An attacked image: its encoded bytes, the file extension they need, and what was done, for the record. */
    public record Copy(byte[] bytes, String extension, String attacks) {
    }

    private CopyAttacks() {
    }

    /** A copy of {@code original} under the attacks {@code seed} draws. */
    public static Copy attack(BufferedImage original, long seed) throws IOException {
        SplittableRandom rng = new SplittableRandom(seed);
        Attack[] all = Attack.values();
        boolean[] chosen = new boolean[all.length];
        int count = 1 + rng.nextInt(3);
        for (int picked = 0; picked < count; ) {
            int a = rng.nextInt(all.length);
            if (!chosen[a]) {
                chosen[a] = true;
                picked++;
            }
        }
        BufferedImage image = rgb(original);
        List<String> done = new ArrayList<>();
        for (Attack attack : all) {
            if (!chosen[attack.ordinal()] || attack == Attack.JPEG) {
                continue;
            }
            image = switch (attack) {
                case CROP -> crop(image, 0.1 + 0.7 * rng.nextDouble(), rng, done);
                case ROTATE -> rotate(image, rng, done);
                case FLIP -> flip(image, done);
                case COLOUR -> colour(image, rng, done);
                case BLUR -> blur(image, 1 + 2 * rng.nextDouble(), done);
                case OVERLAY -> overlay(image, rng, done);
                case JPEG -> image;
            };
        }
        if (chosen[Attack.JPEG.ordinal()]) {
            int quality = 3 + rng.nextInt(73);
            done.add("jpeg q" + quality);
            return new Copy(ImageSetWriter.jpeg(image, quality / 100f), "jpg", String.join("; ", done));
        }
        return new Copy(ImageSetWriter.png(image), "png", String.join("; ", done));
    }

    private static BufferedImage rgb(BufferedImage image) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(image, 0, 0, null);
        g.dispose();
        return out;
    }

    /** A box of {@code area} of the image's area, aspect ratio 3:4 to 4:3, anywhere inside it. */
    private static BufferedImage crop(BufferedImage image, double area, SplittableRandom rng, List<String> done) {
        double ratio = Math.exp(Math.log(0.75) + (Math.log(4.0 / 3) - Math.log(0.75)) * rng.nextDouble());
        double pixels = area * image.getWidth() * image.getHeight();
        int w = (int) Math.max(1, Math.min(image.getWidth(), Math.round(Math.sqrt(pixels * ratio))));
        int h = (int) Math.max(1, Math.min(image.getHeight(), Math.round(Math.sqrt(pixels / ratio))));
        int x = rng.nextInt(image.getWidth() - w + 1);
        int y = rng.nextInt(image.getHeight() - h + 1);
        done.add(String.format(Locale.ROOT, "crop %.0f%% at %d,%d %dx%d", 100.0 * w * h / image.getWidth() / image.getHeight(),
                x, y, w, h));
        return rgb(image.getSubimage(x, y, w, h));
    }

    /** A quarter turn or more, or a tilt of 5 to 30 degrees either way on the same canvas (corners black). */
    private static BufferedImage rotate(BufferedImage image, SplittableRandom rng, List<String> done) {
        int w = image.getWidth();
        int h = image.getHeight();
        int turn = rng.nextInt(4);
        boolean quarter = turn > 0;
        double degrees = quarter ? 90 * turn : (5 + 25 * rng.nextDouble()) * (rng.nextBoolean() ? 1 : -1);
        boolean swap = quarter && turn % 2 == 1;
        BufferedImage out = new BufferedImage(swap ? h : w, swap ? w : h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        AffineTransform t = new AffineTransform();
        t.translate(out.getWidth() / 2.0, out.getHeight() / 2.0);
        t.rotate(Math.toRadians(degrees));
        t.translate(-w / 2.0, -h / 2.0);
        g.drawImage(image, t, null);
        g.dispose();
        done.add(String.format(Locale.ROOT, "rotate %.1f", degrees));
        return out;
    }

    private static BufferedImage flip(BufferedImage image, List<String> done) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(image, image.getWidth(), 0, -image.getWidth(), image.getHeight(), null);
        g.dispose();
        done.add("flip");
        return out;
    }

    /** Brightness and contrast by 0.5 to 1.5, saturation by 0 to 2, each channel's gain by 0.8 to 1.2. */
    private static BufferedImage colour(BufferedImage image, SplittableRandom rng, List<String> done) {
        double brightness = 0.5 + rng.nextDouble();
        double contrast = 0.5 + rng.nextDouble();
        double saturation = 2 * rng.nextDouble();
        double[] gain = {0.8 + 0.4 * rng.nextDouble(), 0.8 + 0.4 * rng.nextDouble(), 0.8 + 0.4 * rng.nextDouble()};
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                double[] c = {(p >> 16 & 255) / 255.0, (p >> 8 & 255) / 255.0, (p & 255) / 255.0};
                double grey = 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
                int rgb = 0;
                for (int k = 0; k < 3; k++) {
                    double v = grey + saturation * (c[k] - grey);
                    v = 0.5 + contrast * (v - 0.5);
                    v = v * brightness * gain[k];
                    rgb = rgb << 8 | (int) Math.round(255 * Math.min(1, Math.max(0, v)));
                }
                out.setRGB(x, y, rgb);
            }
        }
        done.add(String.format(Locale.ROOT, "colour b%.2f c%.2f s%.2f", brightness, contrast, saturation));
        return out;
    }

    /** A Gaussian blur of {@code sigma} pixels (kernel radius 3 sigma, edges extended). */
    private static BufferedImage blur(BufferedImage image, double sigma, List<String> done) {
        int radius = (int) Math.ceil(3 * sigma);
        float[] taps = new float[2 * radius + 1];
        float sum = 0;
        for (int i = -radius; i <= radius; i++) {
            taps[i + radius] = (float) Math.exp(-i * i / (2 * sigma * sigma));
            sum += taps[i + radius];
        }
        for (int i = 0; i < taps.length; i++) {
            taps[i] /= sum;
        }
        BufferedImage padded = new BufferedImage(image.getWidth() + 2 * radius, image.getHeight() + 2 * radius,
                BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < padded.getHeight(); y++) {
            for (int x = 0; x < padded.getWidth(); x++) {
                int sx = Math.min(image.getWidth() - 1, Math.max(0, x - radius));
                int sy = Math.min(image.getHeight() - 1, Math.max(0, y - radius));
                padded.setRGB(x, y, image.getRGB(sx, sy));
            }
        }
        BufferedImage across = new ConvolveOp(new Kernel(taps.length, 1, taps), ConvolveOp.EDGE_NO_OP, null).filter(padded, null);
        BufferedImage both = new ConvolveOp(new Kernel(1, taps.length, taps), ConvolveOp.EDGE_NO_OP, null).filter(across, null);
        done.add(String.format(Locale.ROOT, "blur %.2f", sigma));
        return rgb(both.getSubimage(radius, radius, image.getWidth(), image.getHeight()));
    }

    /** A word, or a filled or outlined rectangle or ellipse, in a random colour, partly transparent. */
    private static BufferedImage overlay(BufferedImage image, SplittableRandom rng, List<String> done) {
        BufferedImage out = rgb(image);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, (float) (0.6 + 0.4 * rng.nextDouble())));
        g.setColor(new Color(rng.nextInt(256), rng.nextInt(256), rng.nextInt(256)));
        int w = out.getWidth();
        int h = out.getHeight();
        if (rng.nextBoolean()) {
            String word = WORDS[rng.nextInt(WORDS.length)];
            int size = Math.max(6, (int) Math.round(h * (0.15 + 0.25 * rng.nextDouble())));
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, size));
            g.drawString(word, rng.nextInt(Math.max(1, w / 2)), size + rng.nextInt(Math.max(1, h - size)));
            done.add("text '" + word + "' " + size + "px");
        } else {
            int sw = Math.max(2, (int) Math.round(w * (0.2 + 0.3 * rng.nextDouble())));
            int sh = Math.max(2, (int) Math.round(h * (0.2 + 0.3 * rng.nextDouble())));
            int x = rng.nextInt(Math.max(1, w - sw + 1));
            int y = rng.nextInt(Math.max(1, h - sh + 1));
            boolean ellipse = rng.nextBoolean();
            boolean filled = rng.nextBoolean();
            g.setStroke(new BasicStroke(Math.max(1, w / 30f)));
            if (ellipse) {
                if (filled) {
                    g.fillOval(x, y, sw, sh);
                } else {
                    g.drawOval(x, y, sw, sh);
                }
            } else if (filled) {
                g.fillRect(x, y, sw, sh);
            } else {
                g.drawRect(x, y, sw, sh);
            }
            done.add((filled ? "filled " : "outlined ") + (ellipse ? "ellipse " : "rectangle ") + sw + "x" + sh);
        }
        g.dispose();
        return out;
    }
}
