package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.Threads;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every kernel family of the {@code cpu} backend at 1, 2, 3, 4 and 8 threads (more threads than
 * this machine has cores is fine: the parts are the same, only slower): each count gives the
 * same bits run after run, and agrees with one thread within float32 rounding (exactly, where
 * the parts do not change the arithmetic: element-wise passes, updates, batch norm, pooling,
 * the convolution's output and input gradient). Sizes are chosen so that at 8 threads every
 * kernel really is cut into 8 parts, which the test checks. And with one thread, every kernel
 * runs on the caller: no worker runs a part, and OpenBLAS's and ND4J's own pools have one thread.
 */
class ThreadCountKernelsTest {
    private static final int[] COUNTS = {1, 2, 3, 4, 8};

    private final Ops ops = Ops.of(Backend.CPU);
    private final ConvOps conv = ops.conv();
    private final Map<String, Integer> partsSeen = new ConcurrentHashMap<>();
    private final Set<Thread> callers = ConcurrentHashMap.newKeySet();
    private int before;

    @BeforeEach
    void onCpu() {
        assumeTrue(Backend.current() == Backend.CPU, "the parallel runtime is the cpu backend's");
        before = Threads.count();
        Pacing.resetScore();
        Parallel.probe = (op, p) -> {
            partsSeen.merge(op, p.parts(), Math::max);
            callers.add(Thread.currentThread());
        };
    }

    @AfterEach
    void restore() {
        Parallel.probe = null;
        if (before > 0) {
            Threads.set(before);
        }
    }

    /** One kernel family: the ops it must split, how far from one thread it may be, and a run. */
    private record Family(String name, List<String> ops, float tolerance, Supplier<List<INDArray>> run) {
    }

    private static INDArray rand(long seed, long... shape) {
        return Tensor.uniform(new Rng(seed), -1, 1, shape).array();
    }

    private static INDArray empty(long... shape) {
        return Nd4j.createUninitialized(DataType.FLOAT, shape);
    }

    private List<Family> families() {
        List<Family> all = new ArrayList<>();
        // GEMM: C cut into row slabs ([512, 256]) and column slabs ([96, 600]), every transpose
        all.add(new Family("gemm", List.of("gemm"), 1e-5f, () -> {
            List<INDArray> out = new ArrayList<>();
            long[][] mnk = {{512, 256, 256}, {96, 600, 300}};
            for (long[] s : mnk) {
                for (boolean ta : new boolean[] {false, true}) {
                    for (boolean tb : new boolean[] {false, true}) {
                        INDArray a = ta ? rand(1, s[2], s[0]) : rand(1, s[0], s[2]);
                        INDArray b = tb ? rand(2, s[1], s[2]) : rand(2, s[2], s[1]);
                        out.add(ops.gemm(a, ta, b, tb, rand(3, s[0], s[1]), 1.5, 0.5));
                    }
                }
            }
            return out;
        }));
        int n = 600_001;                                          // 586 chunks, the last ragged
        all.add(new Family("element-wise", List.of("relu", "relu backward"), 0, () -> {
            INDArray x = rand(4, n);
            INDArray y = ops.relu(x, empty(n));
            return List.of(y, ops.reluBackward(y, rand(5, n), rand(6, n), 0.5));
        }));
        all.add(new Family("batch gather", List.of("gatherRows"), 0, () -> {
            int rows = 400;                                       // 784-value rows: 9 grains, so 8 parts at 8 threads
            float[] source = rand(19, 1000, 784).data().asFloat();
            int[] order = new int[rows];
            for (int r = 0; r < rows; r++) {
                order[r] = (r * 617 + 13) % 1000;
            }
            INDArray out = empty(rows - 3, 784);
            ops.gatherRows(source, 784, order, 3, rows, out);
            return List.of(out);
        }));
        all.add(new Family("optimizer updates", List.of("adam", "sgd momentum"), 0, () -> {
            INDArray p = rand(7, n);
            INDArray m = rand(8, n);
            INDArray r = rand(9, n);
            INDArray v = r.mul(r);                                // v >= 0
            ops.adam(p, rand(10, n), m, v, null, 0.9, 0.999, 1e-8, 1e-3, 0.7, null);
            INDArray q = rand(11, n);
            INDArray buf = rand(12, n);
            ops.sgdMomentum(q, rand(13, n), buf, 0.1, 0.9, 0.1, true, 1e-4, null);
            return List.of(p, m, v, q, buf);
        }));
        all.add(new Family("batch norm 1d", List.of("batch_norm"), 0, () -> {
            INDArray x = rand(14, 256, 600);
            INDArray w = rand(15, 600);
            INDArray y = empty(256, 600);
            BatchNormPass pass = ops.batchNorm(x, w, rand(16, 600), 1e-5, y);
            INDArray dx = rand(17, 256, 600);
            INDArray dw = rand(18, 600);
            INDArray db = rand(19, 600);
            pass.backward(rand(20, 256, 600), dx, 0.5, dw, 1.0, db, 1.0);
            return List.of(y, dx, dw, db);
        }));
        all.add(new Family("batch norm 2d", List.of("batch_norm2d", "batch_norm2d backward"), 0, () -> {
            INDArray x = rand(21, 4, 12, 10, 10);
            INDArray w = rand(22, 12);
            ConvOps.BatchNorm2dResult f = conv.batchNorm2d(x, w, rand(23, 12), 1e-5);
            INDArray[] g = conv.batchNorm2dBackward(x, rand(24, 4, 12, 10, 10), w, f, 1e-5, rand(25, 4, 12, 10, 10),
                    0.5);
            // fused with ReLU and 2×2 max pooling (the same parts, pooled per channel in scratch)
            Conv2dSpec pool = Conv2dSpec.square(2, 2, 0, 1);
            ConvOps.BatchNorm2dPoolResult fp = conv.batchNorm2dReluMaxPool2d(x, w, rand(23, 12), 1e-5, pool);
            INDArray[] gp = conv.batchNorm2dReluMaxPool2dBackward(x, rand(42, 4, 12, 5, 5), w, fp, 1e-5, pool,
                    rand(25, 4, 12, 10, 10), 0.5);
            return List.of(f.output(), g[0], g[1], g[2], fp.norm().output(), gp[0], gp[1], gp[2]);
        }));
        all.add(new Family("conv2d", List.of("conv2d", "conv2d backward"), 1e-5f, () -> {
            Conv2dSpec s = Conv2dSpec.square(3, 1, 1, 1);
            INDArray x = rand(26, 16, 3, 12, 12);
            INDArray w = rand(27, 8, 3, 3, 3);
            INDArray y = conv.conv2d(x, w, rand(28, 8), s);
            INDArray[] g = conv.conv2dBackward(x, w, true, rand(29, 16, 8, 12, 12), s, rand(30, 16, 3, 12, 12), 0.5,
                    true, true);
            // an unpadded 5×5 over several channels: the channels-last columns (Im2colHwc)
            Conv2dSpec five = Conv2dSpec.square(5, 1, 0, 1);
            INDArray x5 = rand(35, 16, 4, 12, 12);
            INDArray w5 = rand(36, 6, 4, 5, 5);
            INDArray y5 = conv.conv2d(x5, w5, rand(37, 6), five);
            INDArray[] g5 = conv.conv2dBackward(x5, w5, true, rand(38, 16, 6, 8, 8), five, rand(39, 16, 4, 12, 12),
                    0.5, true, true);
            // the same with the forward's columns kept for the weight gradient
            ConvOps.Conv2dResult kept = conv.conv2dKeepingColumns(x5, w5, rand(37, 6), five);
            INDArray[] gk = conv.conv2dBackward(x5, w5, true, rand(38, 16, 6, 8, 8), five, rand(39, 16, 4, 12, 12),
                    0.5, true, true, kept);
            kept.release();
            return List.of(y, g[0], g[1], g[2], y5, g5[0], g5[1], g5[2], kept.output(), gk[0], gk[1], gk[2]);
        }));
        all.add(new Family("pooling", List.of("max_pool2d", "max_pool2d backward", "avg_pool2d",
                "avg_pool2d backward"), 0, () -> {
            Conv2dSpec s = Conv2dSpec.square(2, 2, 0, 1);
            Conv2dSpec odd = Conv2dSpec.square(3, 2, 1, 1);
            INDArray x = rand(31, 4, 6, 12, 12);
            ConvOps.MaxPool2dResult max = conv.maxPool2d(x, s);
            INDArray dx = rand(32, 4, 6, 12, 12);
            conv.maxPool2dBackward(x, rand(33, 4, 6, 6, 6), s, max, dx, 0.5);
            ConvOps.MaxPool2dResult maxOdd = conv.maxPool2d(x, odd);
            INDArray avg = conv.avgPool2d(x, odd);
            INDArray avgBack = conv.avgPool2dBackward(x.shape(), rand(34, 4, 6, 6, 6), odd);
            ConvOps.MaxPool2dResult reluMax = conv.reluMaxPool2d(x, odd);      // the fused ReLU (same kernels)
            INDArray reluDx = rand(40, 4, 6, 12, 12);
            conv.maxPool2dBackward(x, rand(41, 4, 6, 6, 6), odd, reluMax, reluDx, 0.5);
            return List.of(max.output(), dx, maxOdd.output(), avg, avgBack, reluMax.output(), reluDx);
        }));
        // LSTM and GRU layers: their batch rows cut over the cores for the whole recurrence, both directions
        all.add(new Family("lstm layer", List.of("lstmLayer", "lstmLayerBackward", "recurrent bias rows"), 1e-5f, () -> {
            int rows = 64;
            int steps = 32;                                       // 2,048 rows of projections: 8 parts of bias rows
            int hidden = 24;
            RecurrentPass pass = ops.lstmLayer(rand(40, rows, steps, 10), rand(41, 4 * hidden, 10), rand(42, 4 * hidden),
                    rand(43, 4 * hidden, hidden), rand(44, 4 * hidden), rand(45, rows, hidden), rand(46, rows, hidden));
            INDArray[] g = {empty(rows, steps, 10), empty(4 * hidden, 10), empty(4 * hidden), empty(4 * hidden, hidden),
                empty(4 * hidden), empty(rows, hidden), empty(rows, hidden)};
            pass.backward(rand(47, rows, steps, hidden), rand(48, rows, hidden), rand(49, rows, hidden), g,
                    new double[g.length]);
            List<INDArray> out = new ArrayList<>(List.of(pass.output(), pass.h(), pass.c()));
            out.addAll(List.of(g));
            return out;
        }));
        all.add(new Family("gru layer", List.of("gruLayer", "gruLayerBackward"), 1e-5f, () -> {
            int rows = 64;
            int steps = 5;
            int hidden = 24;
            RecurrentPass pass = ops.gruLayer(rand(50, rows, steps, 10), rand(51, 3 * hidden, 10), rand(52, 3 * hidden),
                    rand(53, 3 * hidden, hidden), rand(54, 3 * hidden), rand(55, rows, hidden));
            INDArray[] g = {empty(rows, steps, 10), empty(3 * hidden, 10), empty(3 * hidden), empty(3 * hidden, hidden),
                empty(3 * hidden), empty(rows, hidden), null};
            pass.backward(rand(57, rows, steps, hidden), rand(58, rows, hidden), null, g, new double[g.length]);
            List<INDArray> out = new ArrayList<>(List.of(pass.output(), pass.h()));
            out.addAll(java.util.Arrays.asList(g).subList(0, 6));
            return out;
        }));
        return all;
    }

    private static float[][] bits(List<INDArray> arrays) {
        float[][] out = new float[arrays.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = arrays.get(i).data().asFloat();
        }
        return out;
    }

    @Test
    void everyKernelFamilyIsReproducibleAtEachCountAndAgreesWithOneThread() {
        for (Family f : families()) {
            Threads.set(1);
            float[][] one = bits(f.run().get());
            for (int count : COUNTS) {
                Threads.set(count);
                partsSeen.clear();
                float[][] first = bits(f.run().get());
                float[][] again = bits(f.run().get());
                for (int i = 0; i < first.length; i++) {
                    String where = f.name() + " at " + count + " threads, output " + i;
                    assertArrayEquals(first[i], again[i], where + ": run to run");
                    float scale = 0;
                    for (float v : one[i]) {
                        scale = Math.max(scale, Math.abs(v));
                    }
                    for (int e = 0; e < one[i].length; e++) {
                        assertEquals(one[i][e], first[i][e], f.tolerance() * scale, where + " vs 1 thread, element " + e);
                    }
                }
                for (String op : f.ops()) {
                    assertEquals(count, partsSeen.getOrDefault(op, 0), f.name() + ": " + op + " cut into " + count
                            + " parts at " + count + " threads (saw " + partsSeen + ")");
                }
            }
        }
    }

    @Test
    void withOneThreadEveryKernelRunsOnTheCaller() {
        Threads.set(1);
        assertEquals(1, openblas_nolapack.blas_get_num_threads(), "OpenBLAS's own pool");
        assertEquals(1, Nd4j.getEnvironment().maxThreads(), "ND4J's own pool");
        long byWorkers = Parallel.partsRunByWorkers();
        for (Family f : families()) {
            f.run().get();
        }
        assertEquals(byWorkers, Parallel.partsRunByWorkers(), "no worker thread ran a part");
        assertEquals(Set.of(Thread.currentThread()), callers);
        Set<String> expected = new TreeSet<>();
        families().forEach(f -> expected.addAll(f.ops()));
        assertEquals(expected, new TreeSet<>(partsSeen.keySet()), "every kernel went through the runtime");
        assertTrue(partsSeen.values().stream().allMatch(p -> p == 1), "one part each: " + partsSeen);
        Threads.set(8);
        assertEquals(1, openblas_nolapack.blas_get_num_threads(), "the cpu backend cuts GEMMs itself");
    }
}
