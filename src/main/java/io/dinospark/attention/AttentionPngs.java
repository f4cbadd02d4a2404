package io.dinospark.attention;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.dinospark.data.ImageSetWriter;

/**
 * One image's attention maps as PNGs in {@code <out>/<image name>/}: {@code image.png} (what the network saw),
 * {@code mean.png} and {@code head-<h>.png} (attention, dark blue at each map's minimum to yellow at its maximum),
 * {@code mask-mean.png}, {@code mask-head-<h>.png} (the image with the mass mask's patches tinted
 * orange, the others dimmed), and
 * {@code attention.json} (the maps' values: grid, patch size, per head the patches row-major, the mean).
 */
public final class AttentionPngs {

    public static final String IMAGE = "image.png";
    public static final String VALUES = "attention.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private AttentionPngs() {
    }

    /** The file names written for {@code heads} heads, in the order a page shows them. */
    public static List<String> fileNames(int heads) {
        List<String> names = new ArrayList<>(List.of(IMAGE, "mean.png", "mask-mean.png"));
        for (int h = 0; h < heads; h++) {
            names.add("head-" + h + ".png");
        }
        for (int h = 0; h < heads; h++) {
            names.add("mask-head-" + h + ".png");
        }
        return names;
    }

    /**
     * Writes the PNGs of {@code maps}.
     *
     * @param patch    the patch size, in image pixels
     * @param scale    nearest-neighbour enlargement of every picture
     * @param fraction the attention mass the masks keep (DINO: 0.6)
     * @return the folder written
     */
    public static Path write(AttentionMaps maps, int patch, int scale, double fraction, FileSystem fs, Path out)
            throws IOException {
        Path dir = new Path(out, maps.name());
        fs.mkdirs(dir);
        AttentionPictures pictures = new AttentionPictures(patch, scale);
        int grid = maps.grid();
        List<String> names = fileNames(maps.heads().length);
        float[] mean = maps.mean();
        List<BufferedImage> images = new ArrayList<>(List.of(pictures.photo(maps.image()), pictures.heatmap(mean, grid),
                pictures.masked(maps.image(), AttentionMask.keepingMass(mean, fraction), grid)));
        for (float[] head : maps.heads()) {
            images.add(pictures.heatmap(head, grid));
        }
        for (float[] head : maps.heads()) {
            images.add(pictures.masked(maps.image(), AttentionMask.keepingMass(head, fraction), grid));
        }
        for (int i = 0; i < names.size(); i++) {
            writePng(images.get(i), fs, new Path(dir, names.get(i)));
        }
        try (OutputStream json = fs.create(new Path(dir, VALUES), true)) {
            JSON.writeValue(json, Map.of("grid", grid, "patch", patch, "heads", maps.heads(), "mean", mean,
                    "massFraction", fraction));
        }
        return dir;
    }

    static void writePng(BufferedImage image, FileSystem fs, Path file) throws IOException {
        try (OutputStream out = fs.create(file, true)) {
            out.write(ImageSetWriter.png(image));
        }
    }
}
