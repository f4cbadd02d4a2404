package io.dinospark.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dinospark.config.Range;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomResizedCropTest {

    private static final Range RATIO = new Range(3.0 / 4, 4.0 / 3);

    @Test
    void boxesHaveAreaInScaleAndAspectInRatioAndFitTheImage() {
        int width = 500;
        int height = 375;
        RandomResizedCrop crop = new RandomResizedCrop(96, new Range(0.05, 0.4), RATIO);
        SplittableRandom rng = new SplittableRandom(11);
        int draws = 20_000;
        double areaSum = 0;
        double logAspectSum = 0;
        for (int i = 0; i < draws; i++) {
            CropBox box = crop.sample(width, height, rng);
            assertTrue(box.left() + box.width() <= width && box.top() + box.height() <= height, box.toString());
            double area = (double) box.width() * box.height() / (width * height);
            double aspect = (double) box.width() / box.height();
            // Rounding each side to whole pixels moves area and aspect by about 1 / side.
            assertTrue(area > 0.05 * 0.97 && area < 0.4 * 1.02, "area fraction " + area);
            assertTrue(aspect > 0.75 * 0.98 && aspect < 4.0 / 3 * 1.02, "aspect " + aspect);
            areaSum += area;
            logAspectSum += Math.log(aspect);
        }
        // No box of this scale misses on a 500x375 image, so the area fraction is uniform on [0.05, 0.4].
        assertEquals(0.225, areaSum / draws, 0.003);
        assertEquals(0.0, logAspectSum / draws, 0.005, "aspect is log-uniform on a range symmetric in log");
    }

    @Test
    void positionsCoverTheWholeImage() {
        RandomResizedCrop crop = new RandomResizedCrop(224, new Range(0.4, 1.0), RATIO);
        SplittableRandom rng = new SplittableRandom(2);
        boolean touchedLeft = false;
        boolean touchedRight = false;
        for (int i = 0; i < 2000; i++) {
            CropBox box = crop.sample(300, 200, rng);
            touchedLeft |= box.left() == 0;
            touchedRight |= box.left() + box.width() == 300;
        }
        assertTrue(touchedLeft && touchedRight, "randint(0, W - w) is inclusive at both ends");
    }

    @Test
    void extremeAspectImageFallsBackToACentredCropOfTheMaximalRatio() {
        RandomResizedCrop crop = new RandomResizedCrop(224, new Range(0.9, 1.0), RATIO);
        SplittableRandom rng = new SplittableRandom(1);
        // 1000x10: no box of 90% of the area has an aspect in [3/4, 4/3], so all 10 attempts miss.
        assertEquals(new CropBox(0, 493, 10, 13), crop.sample(1000, 10, rng)); // w = round(10 * 4/3) = 13
        // 10x1000: w = 10, h = round(10 / (3/4)) = 13, top = (1000 - 13) / 2.
        assertEquals(new CropBox(493, 0, 13, 10), crop.sample(10, 1000, rng));
    }

    @Test
    void sameRngStateGivesTheSameBox() {
        RandomResizedCrop crop = new RandomResizedCrop(96, new Range(0.05, 0.4), RATIO);
        assertEquals(crop.sample(500, 375, new SplittableRandom(9)), crop.sample(500, 375, new SplittableRandom(9)));
    }

    @Test
    void degenerateRangesAreAllowed() {
        RandomResizedCrop crop = new RandomResizedCrop(8, new Range(1.0, 1.0), new Range(1.0, 1.0));
        assertEquals(new CropBox(0, 0, 64, 64), crop.sample(64, 64, new SplittableRandom(0)));
    }
}
