package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.Threads;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The {@code cpu} backend's whole-sequence recurrent layers ({@link CpuLstmPass},
 * {@link CpuGruPass}) against the general per-step form ({@link Nd4jRecurrentPasses}) on the
 * same inputs (the reference in float64): outputs, final states and every gradient, written fresh
 * (beta 0) and accumulated (beta 1), with initial states that are views (what a multi-layer module
 * passes), small and larger.
 */
class RecurrentLayersAgreementTest {
    private static final Ops CPU = Ops.of(Backend.CPU);
    private static final Ops ND4J = Ops.of(Backend.ND4J);
    private long seed = 77;
    /**
     * Relative tolerance (of max(1, |want|)). The larger layer's sums over T·N = 192 rows of
     * gate gradients of order 1 cancel to results of order 0.3, so float32 rounding and
     * {@link GateMath}'s 4e-7 tanh reach 1e-4 of them there (as before the input side was fused).
     */
    private double tol = 2e-5;

    private INDArray rand(long... shape) {
        return Tensor.uniform(new Rng(seed++), -1, 1, shape).array();
    }

    @Test
    void lstmLayerMatchesTheGeneralForm() {
        lstmAgrees(3, 5, 4);
    }

    @Test
    void gruLayerMatchesTheGeneralForm() {
        gruAgrees(2, 6, 5);
    }

    /** A larger layer, whose per-step GEMMs and whole-sequence GEMMs are cut over three threads. */
    @Test
    void largerLayersOnThreeThreadsMatchTheGeneralForm() {
        onThreads(3, () -> {
            lstmAgrees(24, 8, 64);
            gruAgrees(24, 8, 64);
        });
    }

    /**
     * W8's layer shape (hidden 128, 64 rows) on two threads: parts of 32 rows, whose step products
     * are cut into column blocks where OpenBLAS has its small-matrix kernels ({@link StepGemm}).
     */
    @Test
    void stepProductsCutIntoBlocksMatchTheGeneralForm() {
        onThreads(2, () -> lstmAgrees(64, 3, 128));
    }

    /** Runs {@code check} on {@code threads} threads, at the larger layers' tolerance. */
    private void onThreads(int threads, Runnable check) {
        int before = Threads.count();
        Threads.set(threads);
        tol = 2e-4;
        try {
            check.run();
        } finally {
            Threads.set(before);
        }
    }

    private void lstmAgrees(int n, int t, int h) {
        int i = h + 3;
        INDArray x = rand(n, t, i);
        INDArray wIh = rand(4 * h, i);
        INDArray bIh = rand(4 * h);
        INDArray w = rand(4 * h, h);
        INDArray b = rand(4 * h);
        INDArray states = rand(2, n, h);                                   // h0 and c0 as views of one array
        INDArray h0 = states.slice(0);
        INDArray c0 = states.slice(1);
        RecurrentPass fast = CPU.lstmLayer(x, wIh, bIh, w, b, h0, c0);
        RecurrentPass ref = ND4J.lstmLayer(f64(x), f64(wIh), f64(bIh), f64(w), f64(b), f64(h0), f64(c0));
        assertInstanceOf(CpuLstmPass.class, fast);
        close("output", ref.output(), fast.output());
        close("h", ref.h(), fast.h());
        close("c", ref.c(), fast.c());
        backwardsAgree(fast, ref, rand(n, t, h), rand(n, h), rand(n, h), new long[][] {
            {n, t, i}, {4 * h, i}, {4 * h}, {4 * h, h}, {4 * h}, {n, h}, {n, h}});
    }

    private void gruAgrees(int n, int t, int h) {
        int i = h + 2;
        INDArray x = rand(n, t, i);
        INDArray wIh = rand(3 * h, i);
        INDArray bIh = rand(3 * h);
        INDArray w = rand(3 * h, h);
        INDArray b = rand(3 * h);
        INDArray h0 = rand(n, h);
        RecurrentPass fast = CPU.gruLayer(x, wIh, bIh, w, b, h0);
        RecurrentPass ref = ND4J.gruLayer(f64(x), f64(wIh), f64(bIh), f64(w), f64(b), f64(h0));
        assertInstanceOf(CpuGruPass.class, fast);
        assertNull(fast.c());
        close("output", ref.output(), fast.output());
        close("h", ref.h(), fast.h());
        backwardsAgree(fast, ref, rand(n, t, h), rand(n, h), null, new long[][] {
            {n, t, i}, {3 * h, i}, {3 * h}, {3 * h, h}, {3 * h}, {n, h}});
    }

    @Test
    void doublePrecisionTakesTheGeneralForm() {
        org.nd4j.linalg.api.buffer.DataType f64 = org.nd4j.linalg.api.buffer.DataType.DOUBLE;
        INDArray x = rand(2, 3, 5).castTo(f64);
        INDArray wIh = rand(8, 5).castTo(f64);
        INDArray w = rand(8, 2).castTo(f64);
        INDArray b = rand(8).castTo(f64);
        INDArray s = rand(2, 2).castTo(f64);
        assertInstanceOf(Nd4jRecurrentPasses.Lstm.class, CPU.lstmLayer(x, wIh, b, w, b, s, s));
    }

    /** Both backwards from the same gradients, into fresh buffers and then again into the same buffers (beta 1). */
    private void backwardsAgree(RecurrentPass fast, RecurrentPass ref, INDArray dOut, INDArray dh, INDArray dc,
                                long[][] shapes) {
        INDArray[] start = new INDArray[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            start[i] = rand(shapes[i]);
        }
        for (double beta : new double[] {0, 1}) {
            INDArray[] gf = new INDArray[shapes.length];
            INDArray[] gr = new INDArray[shapes.length];
            double[] betas = new double[shapes.length];
            for (int i = 0; i < shapes.length; i++) {
                gf[i] = start[i].dup('c');
                gr[i] = f64(start[i]);
                betas[i] = beta;
            }
            fast.backward(dOut, dh, dc, gf, betas);
            ref.backward(f64(dOut), f64(dh), f64(dc), gr, betas);
            for (int i = 0; i < shapes.length; i++) {
                assertArrayEquals(shapes[i], gf[i].shape(), "gradient " + i);
                close("gradient " + i + " (beta " + beta + ")", gr[i], gf[i]);
            }
        }
    }

    /** A float64 copy: the reference runs in double, so only the float32 form's own rounding is measured. */
    private static INDArray f64(INDArray a) {
        return a == null ? null : a.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
    }

    private void close(String what, INDArray want, INDArray got) {
        double[] e = want.dup('c').data().asDouble();
        double[] a = got.dup('c').data().asDouble();
        assertEquals(e.length, a.length, what);
        for (int j = 0; j < e.length; j++) {
            assertEquals(e[j], a[j], tol * Math.max(1, Math.abs(e[j])), what + ", element " + j);
        }
    }
}
