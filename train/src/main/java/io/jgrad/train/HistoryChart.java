package io.jgrad.train;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a {@link History} as one PNG with two panels side by side, loss and accuracy per epoch
 * for training and validation, with XChart. Works without a display ({@code java.awt.headless}).
 */
final class HistoryChart {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 420;

    private HistoryChart() {
    }

    static void write(History history, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart loss = panel("Loss", "loss", history, EpochStats::trainLoss, EpochStats::valLoss);
        XYChart acc = panel("Accuracy", "accuracy", history, EpochStats::trainAcc, EpochStats::valAcc);
        BufferedImage image = new BufferedImage(2 * WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = image.createGraphics();
        try {
            g.drawImage(BitmapEncoder.getBufferedImage(loss), 0, 0, null);
            g.drawImage(BitmapEncoder.getBufferedImage(acc), WIDTH, 0, null);
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("HistoryChart: no PNG writer available for " + file);
        }
    }

    private static XYChart panel(String title, String yLabel, History history, ToDoubleFunction<EpochStats> train,
                                 ToDoubleFunction<EpochStats> val) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("epoch")
                .yAxisTitle(yLabel).build();
        chart.getStyler().setMarkerSize(5);
        addSeries(chart, "train", history, train);
        addSeries(chart, "validation", history, val);
        if (chart.getSeriesMap().isEmpty()) {
            // XChart cannot draw an empty chart: show a flat placeholder series instead.
            chart.addSeries("no data", new double[] {0}, new double[] {0}).setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }

    private static void addSeries(XYChart chart, String name, History history, ToDoubleFunction<EpochStats> f) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (EpochStats e : history.epochs()) {
            double v = f.applyAsDouble(e);
            if (Double.isFinite(v)) {
                xs.add((double) e.epoch());
                ys.add(v);
            }
        }
        if (!xs.isEmpty()) {
            chart.addSeries(name, xs, ys).setMarker(SeriesMarkers.CIRCLE);
        }
    }
}
