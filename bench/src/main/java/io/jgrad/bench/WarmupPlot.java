package io.jgrad.bench;

import io.jgrad.train.Plot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chart of {@code bench/warmup.sh --plot}: each run's blocks as a share of its steady speed
 * against the process's step count, one panel per workload, with item 4's 90% and its 1,000th
 * step drawn in. Reads the tab-separated lines {@code warmup.py} writes for it
 * ({@code workload, run label, step at the block's end, share in %}).
 *
 * <pre>{@code java -cp … io.jgrad.bench.WarmupPlot blocks.tsv warmup.png}</pre>
 */
public final class WarmupPlot {
    private WarmupPlot() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: WarmupPlot BLOCKS.tsv OUT.png");
        }
        write(Files.readAllLines(Path.of(args[0])), Path.of(args[1]));
    }

    /** Draws {@code lines} ({@code workload\trun\tstep\tshare}) into {@code png}. */
    static void write(List<String> lines, Path png) throws IOException {
        Map<String, Map<String, List<double[]>>> runs = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t");
            if (f.length != 4) {
                throw new IllegalArgumentException("WarmupPlot: expected 4 tab-separated fields, got '" + line + "'");
            }
            runs.computeIfAbsent(f[0], w -> new LinkedHashMap<>()).computeIfAbsent(f[1], r -> new ArrayList<>())
                    .add(new double[] {Double.parseDouble(f[2]), Double.parseDouble(f[3])});
        }
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("WarmupPlot: no blocks to draw");
        }
        List<Plot> panels = new ArrayList<>();
        for (Map.Entry<String, Map<String, List<double[]>>> w : runs.entrySet()) {
            double last = 0;
            Plot p = Plot.titled(w.getKey() + ": share of steady speed").axes("steps since start", "% of steady speed");
            for (Map.Entry<String, List<double[]>> r : w.getValue().entrySet()) {
                double[] x = r.getValue().stream().mapToDouble(b -> b[0]).toArray();
                double[] y = r.getValue().stream().mapToDouble(b -> b[1]).toArray();
                p.points(r.getKey(), x, y);
                last = Math.max(last, x[x.length - 1]);
            }
            p.line("90% (item 4)", new double[] {0, last}, new double[] {90, 90});
            p.line("step 1,000", new double[] {1000, 1000}, new double[] {0, 120});
            panels.add(p);
        }
        Plot.writeRow(png, panels.toArray(new Plot[0]));
    }
}
