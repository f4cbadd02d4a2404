package io.dinospark.eval;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import io.dinospark.data.ImageSetWriter;

/**
 * A set with planted near-duplicates: every image of a source folder, and for every {@code every}-th one three
 * duplicates beside it: the same bytes, the image re-encoded as a JPEG of quality 75, and a crop of {@code 1 -
 * 2 x margin} of each side (PNG). Each group (an original and its duplicates) is {@code 4 x 3 / 2 = 6} pairs.
 */
public final class PlantedDuplicates {

    private PlantedDuplicates() {
    }

    /** Writes the set to {@code out} (one flat folder) and returns its planted pairs, paths sorted within a pair. */
    public static Set<List<String>> plant(Path source, Path out, int every, double margin) throws IOException {
        Files.createDirectories(out);
        List<Path> images;
        try (Stream<Path> files = Files.walk(source)) {
            images = files.filter(Files::isRegularFile).sorted().toList();
        }
        Set<List<String>> pairs = new TreeSet<>((x, y) -> (x.get(0) + "\n" + x.get(1)).compareTo(y.get(0) + "\n" + y.get(1)));
        for (int i = 0; i < images.size(); i++) {
            Path image = images.get(i);
            String name = source.relativize(image).toString().replace('/', '_');
            Path original = Files.copy(image, out.resolve(name));
            if (i % every != 0) {
                continue;
            }
            String stem = name.substring(0, name.lastIndexOf('.'));
            BufferedImage decoded = ImageIO.read(image.toFile());
            List<Path> group = new ArrayList<>(List.of(original,
                    Files.copy(image, out.resolve(stem + "-copy" + name.substring(name.lastIndexOf('.')))),
                    Files.write(out.resolve(stem + "-jpeg.jpg"), jpeg(decoded, 0.75f)),
                    Files.write(out.resolve(stem + "-crop.png"), ImageSetWriter.png(crop(decoded, margin)))));
            for (int a = 0; a < group.size(); a++) {
                for (int b = a + 1; b < group.size(); b++) {
                    String pa = group.get(a).toString();
                    String pb = group.get(b).toString();
                    pairs.add(pa.compareTo(pb) < 0 ? List.of(pa, pb) : List.of(pb, pa));
                }
            }
        }
        return pairs;
    }

    private static BufferedImage crop(BufferedImage image, double margin) {
        int dx = (int) Math.round(image.getWidth() * margin);
        int dy = (int) Math.round(image.getHeight() * margin);
        BufferedImage out = new BufferedImage(image.getWidth() - 2 * dx, image.getHeight() - 2 * dy, BufferedImage.TYPE_INT_RGB);
        out.getGraphics().drawImage(image.getSubimage(dx, dy, out.getWidth(), out.getHeight()), 0, 0, null);
        return out;
    }

    /** {@code image} as a JPEG of {@code quality}, drawn onto RGB first (a decoded PNG may have alpha, a JPEG none). */
    private static byte[] jpeg(BufferedImage image, float quality) throws IOException {
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        rgb.getGraphics().drawImage(image, 0, 0, null);
        return ImageSetWriter.jpeg(rgb, quality);
    }
}
