package io.dinospark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticImageSetTest {

    @TempDir
    Path dir;

    @Test
    void writesTheRequestedCountsPerClassInMixedFormatsAndSizes() throws IOException {
        SyntheticImageSet set = new SyntheticImageSet(4, 11);
        Path out = dir.resolve("set");
        WrittenImageSet written = set.write(out.toUri().toString(), 3, 1, 2, true);
        assertEquals(12, written.images("train"));
        assertEquals(4, written.images("val"));
        assertEquals(8, written.images(WrittenImageSet.HOLDOUT));
        assertEquals(List.of("0-disc_plain", "1-square_plain", "2-triangle_plain", "3-ring_plain"),
                written.classFolders());

        Map<String, Integer> perClass = new TreeMap<>();
        Set<String> formats = new HashSet<>();
        Set<String> sizes = new HashSet<>();
        boolean nonSquare = false;
        for (String file : FashionMnistTest.files(out)) {
            if (file.endsWith("index.tsv")) {
                continue;
            }
            perClass.merge(file.substring(0, file.lastIndexOf('/')), 1, Integer::sum);
            byte[] bytes = Files.readAllBytes(out.resolve(file));
            // The extension tells the truth about the content.
            boolean jpeg = (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8;
            assertEquals(jpeg, file.endsWith(".jpg"), file);
            formats.add(jpeg ? "jpeg" : "png");
            RgbImage img = ImageDecoder.decode(bytes, file);
            assertTrue(img.width() >= SyntheticImageSet.MIN_SIDE && img.width() <= SyntheticImageSet.MAX_SIDE);
            assertTrue(img.height() >= SyntheticImageSet.MIN_SIDE && img.height() <= SyntheticImageSet.MAX_SIDE);
            sizes.add(img.width() + "x" + img.height());
            nonSquare |= img.width() != img.height();
        }
        for (String folder : written.classFolders()) {
            assertEquals(3, perClass.get("train/" + folder), folder);
            assertEquals(1, perClass.get("val/" + folder), folder);
            assertEquals(2, perClass.get("holdout/" + folder), folder);
        }
        assertEquals(Set.of("jpeg", "png"), formats);
        assertTrue(nonSquare);
        assertTrue(sizes.size() > 8, "sizes " + sizes);
        assertEquals(12, ImageIndexFile.read(out.resolve("train").resolve(ImageIndexFile.FILE_NAME).toString()).size());
    }

    @Test
    void theSameSeedWritesTheSameBytes() throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Path c = dir.resolve("c");
        new SyntheticImageSet(3, 5).write(a.toString(), 2, 1, 0, false);
        new SyntheticImageSet(3, 5).write(b.toString(), 2, 1, 0, false);
        new SyntheticImageSet(3, 6).write(c.toString(), 2, 1, 0, false);
        List<String> files = FashionMnistTest.files(a);
        assertEquals(9, files.size());
        assertEquals(files, FashionMnistTest.files(b));
        boolean anyDifferent = false;
        for (String file : files) {
            assertArrayEquals(Files.readAllBytes(a.resolve(file)), Files.readAllBytes(b.resolve(file)), file);
            anyDifferent |= !java.util.Arrays.equals(Files.readAllBytes(a.resolve(file)),
                    Files.readAllBytes(c.resolve(file)));
        }
        assertTrue(anyDifferent, "another seed gives other images");
    }

    @Test
    void colourIsANuisanceAndShapeContrastSurvivesGreyscale() {
        SyntheticImageSet set = new SyntheticImageSet(1, 3);
        Set<Integer> centreHues = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            java.awt.image.BufferedImage image = set.image("train", 0, i);
            // A disc covers its own centre: find it as the pixel farthest in brightness from the corner's background.
            int background = image.getRGB(0, 0);
            int best = background;
            float bestContrast = -1;
            for (int y = 0; y < image.getHeight(); y += 2) {
                for (int x = 0; x < image.getWidth(); x += 2) {
                    float contrast = Math.abs(luma(image.getRGB(x, y)) - luma(background));
                    if (contrast > bestContrast) {
                        bestContrast = contrast;
                        best = image.getRGB(x, y);
                    }
                }
            }
            assertTrue(bestContrast > 0.2f, "image " + i + ": shape against background in greyscale " + bestContrast);
            float[] hsb = java.awt.Color.RGBtoHSB(best >> 16 & 0xFF, best >> 8 & 0xFF, best & 0xFF, null);
            centreHues.add((int) (hsb[0] * 6));
        }
        assertTrue(centreHues.size() >= 4, "one class comes in many colours, hue sextants " + centreHues);
    }

    private static float luma(int rgb) {
        return (0.299f * (rgb >> 16 & 0xFF) + 0.587f * (rgb >> 8 & 0xFF) + 0.114f * (rgb & 0xFF)) / 255f;
    }

    @Test
    void classesDifferAndFoldersSortInLabelOrder() {
        List<String> folders = new SyntheticImageSet(SyntheticImageSet.MAX_CLASSES, 1).classFolders();
        assertEquals(SyntheticImageSet.MAX_CLASSES, new HashSet<>(folders.stream()
                .map(f -> f.substring(f.indexOf('-') + 1)).toList()).size(), "every class looks different");
        assertEquals(folders, folders.stream().sorted().toList());
        assertEquals("00-disc_plain", folders.get(0));
        assertEquals("19-cross_dots", folders.get(19));
        assertEquals(10, new SyntheticImageSet(SyntheticImageSet.DEFAULT_CLASSES, 1).classFolders().size());
    }

    @Test
    void invalidArgumentsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SyntheticImageSet(0, 1));
        assertTrue(e.getMessage().contains("classes") && e.getMessage().contains("0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SyntheticImageSet(21, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new SyntheticImageSet(2, 1).write(dir.toString(), -1, 0, 0, false));
        assertFalse(Files.exists(dir.resolve("train")));
    }
}
