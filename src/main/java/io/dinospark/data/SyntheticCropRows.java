package io.dinospark.data;

import java.util.SplittableRandom;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.dinospark.config.CropConfig;
import io.dinospark.config.Range;
import io.dinospark.model.CropLayout;

/**
 * Multi-crop rows of small synthetic images, deterministic from (seed, step, image): ten classes of coloured
 * shapes (disc, square, bar, ring, cross in two colours each) at random positions and sizes on a noisy
 * background. Crops are random resized crops (area scale and aspect ratio in [3/4, 4/3]), nearest-neighbour
 * resampled, flipped with p 0.5, normalised to mean 0. Enough to watch DINO learn on a laptop without any data
 * on disk; the full augmentation recipe works on real images.
 */
public final class SyntheticCropRows implements CropRows {

    public static final int CLASSES = 10;
    private static final int IMAGE_SIZE = 32;
    private static final float[][] COLOURS = {{0.9f, 0.2f, 0.2f}, {0.2f, 0.4f, 0.9f}};

    private final CropConfig crops;
    private final int batch;
    private final long seed;

    public SyntheticCropRows(CropConfig crops, int batch, long seed) {
        this.crops = crops;
        this.batch = batch;
        this.seed = seed;
    }

    @Override
    public INDArray rows(long step) {
        CropLayout layout = new CropLayout(crops.globalSize(), crops.localSize());
        int width = (int) layout.rowWidth(crops.localNumber());
        float[] data = new float[batch * width];
        for (int b = 0; b < batch; b++) {
            SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + step * 4099L + b);
            float[][][] image = image(rng.nextInt(CLASSES), rng);
            int offset = b * width;
            for (int v = 0; v < 2 + crops.localNumber(); v++) {
                boolean global = v < 2;
                int size = global ? crops.globalSize() : crops.localSize();
                crop(image, global ? crops.globalScale() : crops.localScale(), size, rng, data, offset);
                offset += 3 * size * size;
            }
        }
        return Nd4j.create(data, new long[] {batch, width}, DataType.FLOAT);
    }

    /** An image of class {@code label}, channels-first [3][H][W] in [0, 1]. */
    static float[][][] image(int label, SplittableRandom rng) {
        float[][][] img = new float[3][IMAGE_SIZE][IMAGE_SIZE];
        float[] colour = COLOURS[label % 2];
        int shape = label / 2;
        double cx = 8 + rng.nextDouble() * 16;
        double cy = 8 + rng.nextDouble() * 16;
        double r = 5 + rng.nextDouble() * 5;
        for (int y = 0; y < IMAGE_SIZE; y++) {
            for (int x = 0; x < IMAGE_SIZE; x++) {
                double dx = x - cx;
                double dy = y - cy;
                double d = Math.sqrt(dx * dx + dy * dy);
                boolean inside = switch (shape) {
                    case 0 -> d < r;
                    case 1 -> Math.abs(dx) < r && Math.abs(dy) < r;
                    case 2 -> Math.abs(dx) < r && Math.abs(dy) < r / 3;
                    case 3 -> d < r && d > r * 0.6;
                    default -> (Math.abs(dx) < r / 4 || Math.abs(dy) < r / 4) && Math.abs(dx) < r && Math.abs(dy) < r;
                };
                for (int c = 0; c < 3; c++) {
                    float noise = (float) (0.1 * rng.nextDouble());
                    img[c][y][x] = inside ? colour[c] : 0.45f + noise;
                }
            }
        }
        return img;
    }

    /** Random resized crop of {@code image} to {@code size} px, written channels-first into {@code out}. */
    private static void crop(float[][][] image, Range scale, int size, SplittableRandom rng, float[] out, int offset) {
        double area = IMAGE_SIZE * IMAGE_SIZE * (scale.min() + rng.nextDouble() * (scale.max() - scale.min()));
        double logRatio = Math.log(3.0 / 4) + rng.nextDouble() * (Math.log(4.0 / 3) - Math.log(3.0 / 4));
        double ratio = Math.exp(logRatio);
        double w = Math.min(IMAGE_SIZE, Math.sqrt(area * ratio));
        double h = Math.min(IMAGE_SIZE, Math.sqrt(area / ratio));
        double x0 = rng.nextDouble() * (IMAGE_SIZE - w);
        double y0 = rng.nextDouble() * (IMAGE_SIZE - h);
        boolean flip = rng.nextBoolean();
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                int sy = (int) Math.min(IMAGE_SIZE - 1, y0 + (y + 0.5) * h / size);
                for (int x = 0; x < size; x++) {
                    int tx = flip ? size - 1 - x : x;
                    int sx = (int) Math.min(IMAGE_SIZE - 1, x0 + (tx + 0.5) * w / size);
                    out[offset + (c * size + y) * size + x] = image[c][sy][sx] - 0.5f;
                }
            }
        }
    }
}
