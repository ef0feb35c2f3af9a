package io.jgrad.bench;

import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.Threads;
import io.jgrad.tensor.backend.BatchNormPass;
import io.jgrad.tensor.backend.Conv2dSpec;
import io.jgrad.tensor.backend.ConvOps;
import io.jgrad.tensor.backend.Ops;
import io.jgrad.tensor.backend.Parallel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How each kernel family speeds up from one thread to N ({@code bench/scaling.sh}): every family
 * at the sizes the reference workloads run it (W1's first GEMM, a large GEMM, ReLU and Adam over
 * a million floats, W2's batch norm, W6's second conv block), timed through the backend's
 * {@link Ops} at 1, 2, 4, … and N threads ({@link Threads#set}) in one process, as the median
 * time per call of five samples after a warm-up (every family first runs at 1 and N threads
 * so the JIT has compiled both paths). Then, at N threads, each family with the workers' bounded
 * polling and without it ({@link Parallel#spinMicros}), alternating. One JSON line per family
 * and count, then a table on stderr. On a shared machine the figures are rough.
 */
final class Scaling {
    /** The poll bound in effect when the probe started ({@code -Djgrad.spinMicros}, default 300). */
    private static final long SPIN_MICROS = Long.getLong("jgrad.spinMicros", 300);
    private final Json base;

    Scaling(Json base) {
        this.base = base;
    }

    /** One kernel family at one size: a call is its forward and, where it has one, its backward. */
    private record Family(String name, String size, Runnable call) {
    }

    private static INDArray rand(long seed, long... shape) {
        return Tensor.uniform(new Rng(seed), -1, 1, shape).array();
    }

    private static List<Family> families(boolean smoke) {
        Ops ops = Ops.get();
        ConvOps conv = ops.conv();
        int b = smoke ? 8 : 128;
        List<Family> all = new ArrayList<>();
        INDArray x1 = rand(1, b, 784);
        INDArray w1 = rand(2, 256, 784);
        INDArray y1 = Nd4j.createUninitialized(DataType.FLOAT, b, 256);
        all.add(new Family("gemm", b + "x784 . 784x256 (W1 layer 1)", () -> ops.gemm(x1, false, w1, true, y1, 1, 0)));
        int n = smoke ? 64 : 1024;
        INDArray a = rand(3, n, n);
        INDArray bb = rand(4, n, n);
        INDArray c = Nd4j.createUninitialized(DataType.FLOAT, n, n);
        all.add(new Family("gemm", n + "^3", () -> ops.gemm(a, false, bb, false, c, 1, 0)));
        int e = smoke ? 4096 : 1 << 20;
        INDArray x = rand(5, e);
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, e);
        INDArray g = rand(6, e);
        INDArray dx = Nd4j.createUninitialized(DataType.FLOAT, e);
        all.add(new Family("element-wise", "relu+backward, " + e, () -> ops.reluBackward(ops.relu(x, y), g, dx, 0)));
        INDArray p = rand(7, e);
        INDArray m = Nd4j.zeros(DataType.FLOAT, e);
        INDArray v = Nd4j.zeros(DataType.FLOAT, e);
        INDArray scratch = Nd4j.createUninitialized(DataType.FLOAT, e);     // the nd4j backend's Adam needs one
        all.add(new Family("optimizer update", "adam, " + e,
                () -> ops.adam(p, g, m, v, null, 0.9, 0.999, 1e-8, 1e-3, 1, scratch)));
        INDArray xb = rand(8, b, 512);
        INDArray wb = rand(9, 512);
        INDArray bias = rand(10, 512);
        INDArray yb = Nd4j.createUninitialized(DataType.FLOAT, b, 512);
        INDArray gb = rand(11, b, 512);
        INDArray dxb = Nd4j.createUninitialized(DataType.FLOAT, b, 512);
        all.add(new Family("batch norm 1d", b + "x512 fwd+bwd (W2)", () -> {
            BatchNormPass pass = ops.batchNorm(xb, wb, bias, 1e-5, yb);
            pass.backward(gb, dxb, 0, null, 0, null, 0);
        }));
        INDArray xi = rand(12, b, 32, 14, 14);
        INDArray wi = rand(13, 32);
        INDArray bi = rand(14, 32);
        INDArray gi = rand(15, b, 32, 14, 14);
        INDArray dxi = Nd4j.createUninitialized(DataType.FLOAT, b, 32, 14, 14);
        all.add(new Family("batch norm 2d", b + "x32x14x14 fwd+bwd (W6)", () -> {
            ConvOps.BatchNorm2dResult f = conv.batchNorm2d(xi, wi, bi, 1e-5);
            conv.batchNorm2dBackward(xi, gi, wi, f, 1e-5, dxi, 0);
        }));
        Conv2dSpec s3 = Conv2dSpec.square(3, 1, 1, 1);
        INDArray wc = rand(16, 64, 32, 3, 3);
        INDArray bc = rand(17, 64);
        INDArray gc = rand(18, b, 64, 14, 14);
        all.add(new Family("conv2d", b + "x32x14x14 -> 64, 3x3 fwd+bwd (W6 block 2)", () -> {
            conv.conv2d(xi, wc, bc, s3);
            conv.conv2dBackward(xi, wc, true, gc, s3, dxi, 0, true, true);
        }));
        Conv2dSpec s2 = Conv2dSpec.square(2, 2, 0, 1);
        INDArray gp = rand(19, b, 32, 7, 7);
        all.add(new Family("pooling", "max 2x2, " + b + "x32x14x14 fwd+bwd (W6)", () -> {
            ConvOps.MaxPool2dResult f = conv.maxPool2d(xi, s2);
            conv.maxPool2dBackward(xi, gp, s2, f, dxi, 0);
        }));
        return all;
    }

    /** The counts measured: 1, 2, 4, 8, … below {@code max}, and {@code max}. */
    static int[] counts(int max) {
        TreeSet<Integer> c = new TreeSet<>();
        for (int t = 1; t < max; t *= 2) {
            c.add(t);
        }
        c.add(max);
        return c.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Median milliseconds per call of {@code call}: a warm-up, then {@code samples} samples of ~{@code seconds}. */
    private static double millis(Runnable call, double seconds, int samples) {
        long w0 = System.nanoTime();
        do {
            call.run();
        } while ((System.nanoTime() - w0) / 1e9 < seconds);
        double[] ms = new double[samples];
        for (int s = 0; s < samples; s++) {
            long t0 = System.nanoTime();
            int reps = 0;
            do {
                call.run();
                reps++;
            } while ((System.nanoTime() - t0) / 1e9 < seconds);
            ms[s] = (System.nanoTime() - t0) / 1e6 / reps;
        }
        return Stats.median(ms);
    }

    void run(int maxThreads, double seconds, boolean smoke) {
        int before = Threads.count();
        int[] counts = counts(maxThreads);
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%-17s %-42s", "family", "size"));
        for (int t : counts) {
            table.append(String.format(Locale.ROOT, " %13s", t + " thr ms (x)"));
        }
        table.append('\n');
        List<Family> families = families(smoke);
        try {
            for (int t : new int[] {1, maxThreads}) {      // compile every kernel's one- and many-part paths first
                Threads.set(t);
                for (Family f : families) {
                    millis(f.call(), seconds, 1);
                }
            }
            for (Family f : families) {
                table.append(String.format(Locale.ROOT, "%-17s %-42s", f.name(), f.size()));
                double one = Double.NaN;
                for (int t : counts) {
                    Threads.set(t);
                    double ms = millis(f.call(), seconds, smoke ? 1 : 5);
                    one = t == 1 ? ms : one;
                    double speedup = one / ms;
                    new Json().putAll(base).put("workload", "scaling").put("family", f.name()).put("size", f.size())
                            .put("threads", t).put("ms_median", Stats.round(ms, 4))
                            .put("speedup_vs_1", Stats.round(speedup, 2)).emit();
                    table.append(String.format(Locale.ROOT, " %7.3f (%3.1f)", ms, speedup));
                }
                table.append('\n');
            }
            if (maxThreads > 1) {
                handOff(families, maxThreads, seconds, smoke ? 1 : 3, table);
            }
        } finally {
            Parallel.spinMicros(SPIN_MICROS);
            Threads.set(before);
        }
        System.err.print(table);
    }

    /**
     * What the workers' bounded polling buys: each family at {@code threads} threads with the
     * default poll and with none (workers park at once), alternating {@code rounds} times so a
     * shared machine's drift hits both alike.
     */
    private void handOff(List<Family> families, int threads, double seconds, int rounds, StringBuilder table) {
        Threads.set(threads);
        table.append(String.format(Locale.ROOT, "%nhand-off at %d threads: ms per call, polling %d us / parking at once%n",
                threads, SPIN_MICROS));
        for (Family f : families) {
            double[] spin = new double[rounds];
            double[] park = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                Parallel.spinMicros(SPIN_MICROS);
                spin[r] = millis(f.call(), seconds, 3);
                Parallel.spinMicros(0);
                park[r] = millis(f.call(), seconds, 3);
            }
            double s = Stats.median(spin);
            double p = Stats.median(park);
            new Json().putAll(base).put("workload", "scaling-handoff").put("family", f.name()).put("size", f.size())
                    .put("threads", threads).put("spin_micros", SPIN_MICROS).put("ms_median_polling", Stats.round(s, 4))
                    .put("ms_median_parking", Stats.round(p, 4)).put("parking_over_polling", Stats.round(p / s, 3))
                    .emit();
            table.append(String.format(Locale.ROOT, "%-17s %-42s %9.3f / %9.3f  (%.2fx)%n", f.name(), f.size(), s, p,
                    p / s));
        }
    }
}
