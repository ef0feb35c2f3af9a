package io.jgrad.train;

import io.jgrad.train.tensorboard.EventProtos.HistogramProto;
import java.util.ArrayList;
import java.util.List;

/**
 * A histogram of values as PyTorch's {@code SummaryWriter.add_histogram} builds it with its
 * default {@code bins="tensorflow"}: TensorFlow's fixed, exponentially spaced bucket edges
 * (±1e-12·1.1^k up to 1e20, and 0), counted as {@code numpy.histogram} counts (bin i holds
 * {@code edges[i] <= x < edges[i+1]}, the last bin also its right edge; values outside the
 * edges and NaN are not counted), then trimmed to the buckets from the first to the last
 * non-empty one plus an empty one on the left, since TensorBoard stores only right edges.
 */
final class TensorBoardHistogram {
    /** The default edges, computed by repeated multiplication exactly as PyTorch does. */
    static final double[] EDGES = defaultEdges();

    private TensorBoardHistogram() {
    }

    private static double[] defaultEdges() {
        List<Double> positive = new ArrayList<>();
        for (double v = 1e-12; v < 1e20; v *= 1.1) {
            positive.add(v);
        }
        int n = positive.size();
        double[] edges = new double[2 * n + 1];
        for (int i = 0; i < n; i++) {
            edges[n - 1 - i] = -positive.get(i);
            edges[n + 1 + i] = positive.get(i);
        }
        edges[n] = 0;
        return edges;
    }

    /**
     * The histogram of {@code values} (float64, as PyTorch converts them).
     *
     * @throws IllegalArgumentException when there is no value, or no value lies within ±1e20
     */
    static HistogramProto of(String tag, double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("SummaryWriter.addHistogram: '" + tag + "' has no element");
        }
        long[] counts = new long[EDGES.length - 1];
        double min = values[0];
        double max = values[0];
        double sumSquares = 0;
        for (double x : values) {
            min = Math.min(min, x);
            max = Math.max(max, x);
            sumSquares += x * x;
            int bin = bin(x);
            if (bin >= 0) {
                counts[bin]++;
            }
        }
        int start = -1;
        int end = -1;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] > 0) {
                end = i + 1;
                if (start < 0) {
                    start = i;
                }
            }
        }
        if (start < 0) {
            throw new IllegalArgumentException("SummaryWriter.addHistogram: '" + tag + "' has no finite value within"
                    + " ±1e20 (min " + min + ", max " + max + ")");
        }
        HistogramProto.Builder h = HistogramProto.newBuilder().setMin(min).setMax(max).setNum(values.length)
                .setSum(pairwiseSum(values, 0, values.length)).setSumSquares(sumSquares);
        // TensorBoard keeps right edges only: an empty bucket ending at the first non-empty one's left
        // edge keeps that edge (numpy's counts[start-1:end], or a 0 prepended when start is 0)
        h.addBucket(0);
        for (int i = start; i < end; i++) {
            h.addBucket(counts[i]);
        }
        for (int i = start; i <= end; i++) {
            h.addBucketLimit(EDGES[i]);
        }
        return h.build();
    }

    /** The bin of {@code x}, or -1 when it falls outside the edges (or is NaN). */
    static int bin(double x) {
        int last = EDGES.length - 1;
        if (!(x >= EDGES[0] && x <= EDGES[last])) {
            return -1;
        }
        if (x == EDGES[last]) {
            return last - 1;
        }
        int lo = 0; // EDGES[lo] <= x < EDGES[hi]
        int hi = last;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (EDGES[mid] <= x) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** NumPy's pairwise summation of float64 (blocks of 128, eight accumulators), as {@code values.sum()}. */
    static double pairwiseSum(double[] a, int from, int n) {
        if (n < 8) {
            double res = 0.;
            for (int i = 0; i < n; i++) {
                res += a[from + i];
            }
            return res;
        }
        if (n <= 128) {
            double[] r = new double[8];
            System.arraycopy(a, from, r, 0, 8);
            int i = 8;
            for (; i < n - (n % 8); i += 8) {
                for (int j = 0; j < 8; j++) {
                    r[j] += a[from + i + j];
                }
            }
            double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) {
                res += a[from + i];
            }
            return res;
        }
        int n2 = n / 2;
        n2 -= n2 % 8;
        return pairwiseSum(a, from, n2) + pairwiseSum(a, from + n2, n - n2);
    }
}
