package io.dinospark.bench;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dinospark.augment.MultiCropAugmentation;
import io.dinospark.config.AugmentConfig;
import io.dinospark.config.ConfigLoader;
import io.dinospark.config.CropConfig;
import io.dinospark.config.Range;
import io.dinospark.data.ImageDecoder;
import io.dinospark.data.RgbImage;
import io.dinospark.model.CropLayout;

/**
 * Decode + multi-crop throughput per core on ImageNet-sized JPEGs, against torchvision's PIL pipeline with the same
 * recipe on the same files, side by side in one run. Not a test:
 * {@code mvn test -Dtest=MultiCropBenchmark -Dtest.tags.excluded=none} (the comparison needs Debian's
 * {@code python3-torchvision}).
 */
@Tag("benchmark")
class MultiCropBenchmark {

    private static final int IMAGES = 150;

    @TempDir
    Path dir;

    @Test
    void decodeAndMultiCropAgainstTorchvision() throws Exception {
        List<byte[]> jpegs = writeJpegs();
        AugmentConfig augment = ConfigLoader.defaults().augment();
        report("full recipe 2x224 + 8x96", new CropConfig(224, new Range(0.4, 1.0), 8, 96, new Range(0.05, 0.4)), augment, jpegs);
        report("CPU recipe 2x28 + 4x16", new CropConfig(28, new Range(0.4, 1.0), 4, 16, new Range(0.05, 0.4)), augment, jpegs);
    }

    private void report(String name, CropConfig crops, AugmentConfig augment, List<byte[]> jpegs) throws Exception {
        double java = javaImagesPerSecond(crops, augment, jpegs);
        double torchvision = torchvisionImagesPerSecond(crops);
        System.out.printf("%s: dino-spark %.1f images/s per core, torchvision (PIL) %s -> ratio %s%n", name, java,
                Double.isNaN(torchvision) ? "not installed" : String.format("%.1f images/s per core", torchvision),
                Double.isNaN(torchvision) ? "n/a" : String.format("%.2fx", java / torchvision));
    }

    private static double javaImagesPerSecond(CropConfig crops, AugmentConfig augment, List<byte[]> jpegs) {
        MultiCropAugmentation augmentation = new MultiCropAugmentation(crops, augment);
        float[] row = new float[(int) new CropLayout(crops.globalSize(), crops.localSize()).rowWidth(crops.localNumber())];
        SplittableRandom rng = new SplittableRandom(0);
        for (int i = 0; i < 20; i++) {
            augmentation.apply(ImageDecoder.decode(jpegs.get(i), "warm-up"), rng, row, 0);
        }
        long start = System.nanoTime();
        for (byte[] jpeg : jpegs) {
            RgbImage image = ImageDecoder.decode(jpeg, "benchmark");
            augmentation.apply(image, rng, row, 0);
        }
        return jpegs.size() / ((System.nanoTime() - start) / 1e9);
    }

    private double torchvisionImagesPerSecond(CropConfig crops) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("/usr/bin/python3", "src/test/python/torchvision_multicrop.py", dir.toString(),
                    "" + crops.globalSize(), "" + crops.localSize(), "" + crops.localNumber())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            return Double.NaN;
        }
        String result = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("images/s ")) {
                    result = line.substring(9);
                } else {
                    System.out.println("torchvision: " + line);
                }
            }
        }
        return p.waitFor() == 0 && result != null ? Double.parseDouble(result) : Double.NaN;
    }

    /** ImageNet-typical photos stand-ins: 500x375 JPEGs (ImageIO default quality 0.75) of smooth colour fields, shapes and noise. */
    private List<byte[]> writeJpegs() throws IOException {
        Random rng = new Random(1);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            BufferedImage image = new BufferedImage(500, 375, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setPaint(new java.awt.GradientPaint(0, 0, new Color(rng.nextInt(0xFFFFFF)), 500, 375, new Color(rng.nextInt(0xFFFFFF))));
            g.fillRect(0, 0, 500, 375);
            for (int s = 0; s < 12; s++) {
                g.setColor(new Color(rng.nextInt(0xFFFFFF)));
                g.fillOval(rng.nextInt(450), rng.nextInt(325), 20 + rng.nextInt(150), 20 + rng.nextInt(150));
            }
            for (int n = 0; n < 4000; n++) {
                image.setRGB(rng.nextInt(500), rng.nextInt(375), rng.nextInt(0xFFFFFF));
            }
            g.dispose();
            Path file = dir.resolve(String.format("%04d.jpg", i));
            ImageIO.write(image, "jpg", file.toFile());
            out.add(Files.readAllBytes(file));
        }
        return out;
    }
}
