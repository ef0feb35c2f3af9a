package io.jgrad.train;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A line chart written as a PNG, for results a person would rather look at than read (loss
 * curves, learning-rate schedules, optimizer trajectories), without learning a charting API:
 *
 * <pre>{@code
 * Plot.titled("Learning rate").axes("epoch", "lr").line("step", epochs, lrs).line("linear", epochs, lrs2)
 *     .write(Path.of("lr.png"));
 * Plot.writeRow(Path.of("both.png"), lrPlot, lossPlot);   // panels side by side
 * }</pre>
 * Drawn with XChart; works without a display. Non-finite points are left out.
 */
public final class Plot {
    static final int WIDTH = 640;
    static final int HEIGHT = 420;

    private record Line(String name, double[] x, double[] y, boolean markers) {
    }

    private final String title;
    private String xLabel = "x";
    private String yLabel = "y";
    private boolean logY;
    private final List<Line> lines = new ArrayList<>();

    private Plot(String title) {
        this.title = title;
    }

    /** A new empty plot with this title. */
    public static Plot titled(String title) {
        return new Plot(title);
    }

    /** The axis titles. */
    public Plot axes(String xLabel, String yLabel) {
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        return this;
    }

    /** A logarithmic y axis (for losses spanning decades). */
    public Plot logY(boolean logY) {
        this.logY = logY;
        return this;
    }

    /** A line through the points {@code (x[i], y[i])}. */
    public Plot line(String name, double[] x, double[] y) {
        return add(name, x, y, false);
    }

    /** A line through the points {@code (x[i], y[i])}, each point marked. */
    public Plot points(String name, double[] x, double[] y) {
        return add(name, x, y, true);
    }

    private Plot add(String name, double[] x, double[] y, boolean markers) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("Plot.line '" + name + "': " + x.length + " x values but " + y.length
                    + " y values");
        }
        lines.add(new Line(name, x.clone(), y.clone(), markers));
        return this;
    }

    /** Writes the plot as a PNG of 640×420 pixels, creating parent directories. */
    public void write(Path png) throws IOException {
        writeRow(png, this);
    }

    /** Writes {@code panels} side by side into one PNG. */
    public static void writeRow(Path png, Plot... panels) throws IOException {
        if (panels.length == 0) {
            throw new IllegalArgumentException("Plot.writeRow: no panels");
        }
        System.setProperty("java.awt.headless", "true");
        History.createParent(png);
        BufferedImage image = new BufferedImage(panels.length * WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            for (int i = 0; i < panels.length; i++) {
                g.drawImage(BitmapEncoder.getBufferedImage(panels[i].chart()), i * WIDTH, 0, null);
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(image, "png", png.toFile())) {
            throw new IOException("Plot: no PNG writer available for " + png);
        }
    }

    private XYChart chart() {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xLabel)
                .yAxisTitle(yLabel).build();
        chart.getStyler().setMarkerSize(5);
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setXAxisDecimalPattern("#.###"); // no digit grouping: 1022, not "1,022"
        for (Line l : lines) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int i = 0; i < l.x().length; i++) {
                if (Double.isFinite(l.x()[i]) && Double.isFinite(l.y()[i]) && (!logY || l.y()[i] > 0)) {
                    xs.add(l.x()[i]);
                    ys.add(l.y()[i]);
                }
            }
            if (!xs.isEmpty()) {
                chart.addSeries(l.name(), xs, ys).setMarker(l.markers() ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            }
        }
        if (lines.stream().allMatch(l -> Arrays.stream(l.x()).allMatch(v -> v >= 0))) {
            chart.getStyler().setXAxisMin(0.0); // round ticks (0, 6, 12...) rather than 1, 5, 9... crowding each other
        }
        if (chart.getSeriesMap().isEmpty()) {
            // XChart cannot draw an empty chart: show a flat placeholder series instead.
            chart.addSeries("no data", new double[] {0}, new double[] {0}).setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }
}
