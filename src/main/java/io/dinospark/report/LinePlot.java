package io.dinospark.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * A line plot drawn with java.awt: title, axes with round-numbered ticks and labels, a line per series, dashed
 * horizontal reference lines (such as ln K), and a legend. Works headless.
 */
public final class LinePlot {

    /** A dashed horizontal line at {@code y}, labelled. */
    public record Marker(String label, double y, Color colour) {
    }

    static final int LEFT = 78;
    static final int RIGHT = 20;
    static final int TOP = 34;
    static final int BOTTOM = 48;
    private static final Color AXIS = new Color(0x44, 0x44, 0x44);
    private static final Color GRID = new Color(0xe4, 0xe4, 0xe4);

    private final String title;
    private final String xLabel;
    private final List<Series> series = new ArrayList<>();
    private final List<Marker> markers = new ArrayList<>();

    public LinePlot(String title, String xLabel) {
        this.title = title;
        this.xLabel = xLabel;
    }

    public LinePlot add(Series s) {
        series.add(s);
        return this;
    }

    public LinePlot mark(Marker marker) {
        markers.add(marker);
        return this;
    }

    public String title() {
        return title;
    }

    /** True when no series has a point: there is nothing to plot. */
    public boolean isEmpty() {
        return series.stream().allMatch(Series::isEmpty);
    }

    public BufferedImage render(int width, int height) {
        if (isEmpty()) {
            throw new IllegalStateException("plot '" + title + "' has no points");
        }
        if (width < LEFT + RIGHT + 40 || height < TOP + BOTTOM + 40) {
            throw new IllegalArgumentException("a plot needs at least " + (LEFT + RIGHT + 40) + "x" + (TOP + BOTTOM + 40)
                    + " pixels, got " + width + "x" + height);
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            PlotArea area = area(width, height);
            drawAxes(g, area);
            for (Marker m : markers) {
                g.setColor(m.colour());
                g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
                int y = area.py(m.y());
                g.drawLine(area.left(), y, area.right(), y);
            }
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            for (Series s : series) {
                drawSeries(g, area, s);
            }
            drawLegend(g, area);
            g.setColor(Color.BLACK);
            g.setFont(g.getFont().deriveFont(Font.BOLD, 14f));
            FontMetrics fm = g.getFontMetrics();
            g.drawString(title, (width - fm.stringWidth(title)) / 2, TOP - 12);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Where data coordinates land in the picture: the plot area and the axes' ranges. */
    PlotArea area(int width, int height) {
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i])) {
                    xMin = Math.min(xMin, s.x()[i]);
                    xMax = Math.max(xMax, s.x()[i]);
                    yMin = Math.min(yMin, s.y()[i]);
                    yMax = Math.max(yMax, s.y()[i]);
                }
            }
        }
        for (Marker m : markers) {
            yMin = Math.min(yMin, m.y());
            yMax = Math.max(yMax, m.y());
        }
        if (xMin > xMax) {
            throw new IllegalStateException("plot '" + title + "' has no finite points");
        }
        return new PlotArea(LEFT, TOP, width - RIGHT, height - BOTTOM,
                AxisTicks.covering(xMin, xMax, 7), AxisTicks.covering(yMin, yMax, 6));
    }

    private void drawAxes(Graphics2D g, PlotArea a) {
        g.setFont(g.getFont().deriveFont(Font.PLAIN, 11f));
        FontMetrics fm = g.getFontMetrics();
        for (double v : a.xTicks().values()) {
            int x = a.px(v);
            g.setColor(GRID);
            g.drawLine(x, a.top(), x, a.bottom());
            g.setColor(AXIS);
            g.drawLine(x, a.bottom(), x, a.bottom() + 4);
            String label = a.xTicks().label(v);
            g.drawString(label, x - fm.stringWidth(label) / 2, a.bottom() + 6 + fm.getAscent());
        }
        for (double v : a.yTicks().values()) {
            int y = a.py(v);
            g.setColor(GRID);
            g.drawLine(a.left(), y, a.right(), y);
            g.setColor(AXIS);
            g.drawLine(a.left() - 4, y, a.left(), y);
            String label = a.yTicks().label(v);
            g.drawString(label, a.left() - 7 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
        }
        g.setColor(AXIS);
        g.drawRect(a.left(), a.top(), a.right() - a.left(), a.bottom() - a.top());
        g.setFont(g.getFont().deriveFont(Font.PLAIN, 12f));
        fm = g.getFontMetrics();
        int middle = (a.left() + a.right()) / 2;
        g.drawString(xLabel, middle - fm.stringWidth(xLabel) / 2, a.bottom() + 36);
    }

    private static void drawSeries(Graphics2D g, PlotArea a, Series s) {
        g.setColor(s.colour());
        Path2D.Double line = new Path2D.Double();
        boolean open = false;
        int points = 0;
        for (int i = 0; i < s.x().length; i++) {
            if (!Double.isFinite(s.x()[i]) || !Double.isFinite(s.y()[i])) {
                open = false; // a gap, not a line through a missing value
                continue;
            }
            double x = a.exactX(s.x()[i]);
            double y = a.exactY(s.y()[i]);
            if (open) {
                line.lineTo(x, y);
            } else {
                line.moveTo(x, y);
                open = true;
            }
            points++;
        }
        g.draw(line);
        if (points <= 30) { // few points: mark each one
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i])) {
                    g.fillOval(a.px(s.x()[i]) - 3, a.py(s.y()[i]) - 3, 7, 7);
                }
            }
        }
    }

    private void drawLegend(Graphics2D g, PlotArea a) {
        List<String> labels = new ArrayList<>();
        List<Color> colours = new ArrayList<>();
        List<Boolean> dashed = new ArrayList<>();
        for (Series s : series) {
            labels.add(s.name());
            colours.add(s.colour());
            dashed.add(false);
        }
        for (Marker m : markers) {
            labels.add(m.label());
            colours.add(m.colour());
            dashed.add(true);
        }
        if (labels.size() < 2) {
            return;
        }
        g.setFont(g.getFont().deriveFont(Font.PLAIN, 11f));
        FontMetrics fm = g.getFontMetrics();
        int widest = labels.stream().mapToInt(fm::stringWidth).max().orElse(0);
        int rowHeight = fm.getHeight();
        int boxWidth = widest + 40;
        int boxHeight = rowHeight * labels.size() + 8;
        Rectangle box = legendBox(a, boxWidth, boxHeight);
        int x0 = box.x;
        int y0 = box.y;
        g.setColor(new Color(255, 255, 255, 225));
        g.fillRect(x0, y0, boxWidth, boxHeight);
        g.setColor(GRID);
        g.drawRect(x0, y0, boxWidth, boxHeight);
        for (int i = 0; i < labels.size(); i++) {
            int y = y0 + 4 + rowHeight * i + rowHeight / 2;
            g.setColor(colours.get(i));
            g.setStroke(dashed.get(i)
                    ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0)
                    : new BasicStroke(2f));
            g.drawLine(x0 + 6, y, x0 + 28, y);
            g.setColor(Color.BLACK);
            g.drawString(labels.get(i), x0 + 34, y + fm.getAscent() / 2 - 1);
        }
    }

    /** The corner of the plot area where a legend box hides the fewest points and reference lines. */
    private Rectangle legendBox(PlotArea a, int width, int height) {
        int[][] corners = {{a.right() - width - 8, a.top() + 8}, {a.right() - width - 8, a.bottom() - height - 8},
                {a.left() + 8, a.top() + 8}, {a.left() + 8, a.bottom() - height - 8}};
        Rectangle best = null;
        long bestHidden = Long.MAX_VALUE;
        for (int[] corner : corners) {
            Rectangle box = new Rectangle(corner[0], corner[1], width, height);
            long hidden = 0;
            for (Series s : series) {
                for (int i = 0; i < s.x().length; i++) {
                    if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i]) && box.contains(a.px(s.x()[i]), a.py(s.y()[i]))) {
                        hidden++;
                    }
                }
            }
            for (Marker m : markers) {
                int y = a.py(m.y());
                if (y >= box.y && y <= box.y + box.height) {
                    hidden += 1000; // a reference line is worth seeing whole
                }
            }
            if (hidden < bestHidden) {
                best = box;
                bestHidden = hidden;
            }
        }
        return best;
    }

    /** The plot area in pixels and the data ranges it shows; y grows downwards in the picture. */
    record PlotArea(int left, int top, int right, int bottom, AxisTicks xTicks, AxisTicks yTicks) {

        double exactX(double x) {
            return left + (x - xTicks.min()) / (xTicks.max() - xTicks.min()) * (right - left);
        }

        double exactY(double y) {
            return bottom - (y - yTicks.min()) / (yTicks.max() - yTicks.min()) * (bottom - top);
        }

        int px(double x) {
            return (int) Math.round(exactX(x));
        }

        int py(double y) {
            return (int) Math.round(exactY(y));
        }
    }
}
