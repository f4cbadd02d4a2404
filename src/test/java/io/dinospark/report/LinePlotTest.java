package io.dinospark.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

class LinePlotTest {

    private static final Color LINE = new Color(0x1f, 0x77, 0xb4);
    private static final Color MARK = new Color(0xd6, 0x27, 0x28);

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static boolean near(int rgb, Color c) {
        Color p = new Color(rgb);
        return Math.abs(p.getRed() - c.getRed()) + Math.abs(p.getGreen() - c.getGreen()) + Math.abs(p.getBlue() - c.getBlue()) < 40;
    }

    /** Mean row of the pixels of colour {@code c} in columns [x0, x1), or -1 when there are none. */
    private static double meanRowOf(BufferedImage image, Color c, int x0, int x1) {
        double sum = 0;
        int n = 0;
        for (int x = x0; x < x1; x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                if (near(image.getRGB(x, y), c)) {
                    sum += y;
                    n++;
                }
            }
        }
        return n == 0 ? -1 : sum / n;
    }

    private static Series line(double... y) {
        double[] x = new double[y.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = i * 10;
        }
        return new Series("s", x, y, LINE);
    }

    @Test
    void writesAPngOfTheRequestedSize() throws Exception {
        BufferedImage image = new LinePlot("Loss", "step").add(line(3, 2, 1)).render(640, 360);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, "png", png));
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(png.toByteArray()));
        assertEquals(640, back.getWidth());
        assertEquals(360, back.getHeight());
    }

    @Test
    void aRisingLineIsLowOnTheLeftAndHighOnTheRight() {
        LinePlot plot = new LinePlot("Rising", "step").add(line(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
        BufferedImage image = plot.render(640, 360);
        LinePlot.PlotArea area = plot.area(640, 360);
        double left = meanRowOf(image, LINE, area.left() + 1, area.left() + 12);
        double right = meanRowOf(image, LINE, area.right() - 12, area.right() - 1);
        assertTrue(left > 0 && right > 0, "the line is drawn at both ends: " + left + ", " + right);
        assertTrue(left > right + 200, "picture rows grow downwards: left end at row " + left + ", right end at " + right);
        // And where the axis mapping says: y = 0 at the left edge, y = 10 at the right.
        assertEquals(area.py(0), left, 4);
        assertEquals(area.py(10), right, 4);
        // Nothing of the line's colour outside the plot area (legend aside: a single series has none).
        assertEquals(-1, meanRowOf(image, LINE, 0, area.left() - 8));
    }

    @Test
    void aFallingLineIsTheOtherWayRound() {
        LinePlot plot = new LinePlot("Falling", "step").add(line(5, 4, 3, 2, 1));
        BufferedImage image = plot.render(400, 300);
        LinePlot.PlotArea area = plot.area(400, 300);
        double left = meanRowOf(image, LINE, area.left() + 1, area.left() + 10);
        double right = meanRowOf(image, LINE, area.right() - 10, area.right() - 1);
        assertTrue(left > 0 && right > 0, "the line is drawn at both ends");
        assertTrue(left < right, "high on the left (" + left + "), low on the right (" + right + ")");
    }

    @Test
    void aMarkerIsAHorizontalLineAtItsValue() {
        LinePlot plot = new LinePlot("Entropy", "step").add(line(1, 2, 3)).mark(new LinePlot.Marker("ln K", 5.0, MARK));
        BufferedImage image = plot.render(640, 360);
        LinePlot.PlotArea area = plot.area(640, 360);
        assertTrue(area.yTicks().max() >= 5.0, "the y axis reaches the marker");
        int y = area.py(5.0);
        int dashes = 0;
        for (int x = area.left(); x < area.right(); x++) {
            if (near(image.getRGB(x, y), MARK)) {
                dashes++;
            }
        }
        int width = area.right() - area.left();
        assertTrue(dashes > width / 3 && dashes < width, "dashed across the plot: " + dashes + " of " + width);
    }

    @Test
    void ticksAreRoundNumbersCoveringTheData() {
        AxisTicks t = AxisTicks.covering(0.13, 9.7, 6);
        assertEquals(2.0, t.step(), 1e-12);
        assertArrayEquals(new double[] {0, 2, 4, 6, 8, 10}, t.values(), 1e-9);
        assertEquals("4", t.label(4));
        AxisTicks small = AxisTicks.covering(0, 7.4e-4, 6);
        assertEquals(2e-4, small.step(), 1e-12);
        assertEquals("6e-04", small.label(6e-4));
        AxisTicks flat = AxisTicks.covering(3, 3, 5);
        assertTrue(flat.min() < 3 && flat.max() > 3, "a constant series still gets a range");
        assertEquals("0.5", AxisTicks.covering(0, 2.3, 6).label(0.5));
    }

    @Test
    void anEmptyPlotOrATinyPictureIsAnError() {
        LinePlot empty = new LinePlot("Nothing", "step").add(new Series("s", new double[0], new double[0], LINE));
        assertTrue(empty.isEmpty());
        assertThrows(IllegalStateException.class, () -> empty.render(640, 360));
        assertThrows(IllegalArgumentException.class, () -> new LinePlot("t", "x").add(line(1, 2)).render(50, 50));
    }
}
