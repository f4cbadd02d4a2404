package io.dinospark;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import javax.imageio.ImageIO;

/**
 * A labelled image set any feature tells apart, for tests of the evaluation machinery: class {@code c} is grey at
 * brightness {@code 40 + 80 c} (0 to 255) with noise of +-30 per pixel, at random sizes of 20 to 31 px, as PNGs in
 * ImageNet layout ({@code <root>/train/class<c>/<i>.png}, the same under {@code val/}). The synthetic set of
 * {@code prepare} is no use here: its classes are shapes that raw pixels hardly separate at small sizes.
 */
public final class BrightnessClasses {

    private BrightnessClasses() {
    }

    public static void write(Path root, int classes, int trainPerClass, int valPerClass, long seed) throws IOException {
        if (classes > 3) {
            throw new IllegalArgumentException("at most 3 brightness classes fit in 0 to 255, got " + classes);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (String split : new String[] {"train", "val"}) {
            for (int label = 0; label < classes; label++) {
                Path folder = Files.createDirectories(root.resolve(split).resolve("class" + label));
                for (int i = 0; i < (split.equals("train") ? trainPerClass : valPerClass); i++) {
                    BufferedImage image = new BufferedImage(20 + rng.nextInt(12), 20 + rng.nextInt(12),
                            BufferedImage.TYPE_INT_RGB);
                    for (int y = 0; y < image.getHeight(); y++) {
                        for (int x = 0; x < image.getWidth(); x++) {
                            int grey = 40 + 80 * label + rng.nextInt(-30, 31);
                            image.setRGB(x, y, grey << 16 | grey << 8 | grey);
                        }
                    }
                    ImageIO.write(image, "png", folder.resolve(i + ".png").toFile());
                }
            }
        }
    }
}
