package io.dinospark.attention;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import io.dinospark.augment.EvaluationView;
import io.dinospark.data.ImageCatalog;
import io.dinospark.data.ImageDecoder;
import io.dinospark.data.ImageRef;
import io.dinospark.data.RgbImage;

/** The images to draw attention for, read and prepared as evaluation prepares them. */
final class AttentionInputs {

    /** One image ready for the network: {@code shown} in [0, 1], {@code normalised} channels-first. */
    record Prepared(String name, RgbImage shown, float[] normalised) {
    }

    private AttentionInputs() {
    }

    /**
     * {@code count} image files spread evenly over the sorted image files under {@code root} (searched recursively),
     * so that an ImageNet-style tree gives images of several classes rather than the first class only.
     */
    static List<Path> spreadOver(FileSystem fs, Path root, int count) throws IOException {
        if (!fs.exists(root)) {
            throw new IOException("data root " + root + " does not exist");
        }
        List<Path> files = new ArrayList<>();
        for (String file : ImageCatalog.imageFilesUnder(fs, root)) {
            files.add(new Path(file));
        }
        if (files.isEmpty()) {
            throw new IOException("no image files under " + root);
        }
        files.sort(null);
        List<Path> picked = new ArrayList<>();
        int n = Math.min(count, files.size());
        for (int i = 0; i < n; i++) {
            picked.add(files.get((int) ((2L * i + 1) * files.size() / (2L * n)))); // the middle of each n-th
        }
        return picked;
    }

    /** Reads, decodes, resizes, centre-crops and normalises one image; its name says where it came from. */
    static Prepared prepare(FileSystem fs, Path file, int index, EvaluationView view)
            throws IOException {
        if (!fs.exists(file)) {
            throw new IOException("image " + file + " does not exist");
        }
        byte[] bytes = ImageRef.file(index, file.toString(), null).encoded(fs.getConf());
        RgbImage shown = view.crop(ImageDecoder.decode(bytes, file.toString()));
        float[] normalised = new float[view.rowWidth()];
        view.normalise(shown, normalised, 0);
        return new Prepared(name(file, index), shown, normalised);
    }

    /** {@code 03-dress-1009}: position, parent folder (the class in an ImageNet tree) and file name. */
    static String name(Path file, int index) {
        String base = file.getName();
        int dot = base.lastIndexOf('.');
        String stem = dot > 0 ? base.substring(0, dot) : base;
        String parent = file.getParent() == null ? "" : file.getParent().getName();
        String raw = String.format("%02d-%s%s", index, parent.isEmpty() ? "" : parent + "-", stem);
        return raw.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
