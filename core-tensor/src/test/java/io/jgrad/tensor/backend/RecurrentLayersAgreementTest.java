package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The {@code cpu} backend's whole-sequence recurrent layers ({@link CpuLstmPass},
 * {@link CpuGruPass}) against the general per-step form ({@link Nd4jRecurrentPasses}) on the
 * same float32 arrays: outputs, final states and every gradient, written fresh (beta 0) and
 * accumulated (beta 1), with initial states that are views (what a multi-layer module passes).
 */
class RecurrentLayersAgreementTest {
    private static final Ops CPU = Ops.of(Backend.CPU);
    private static final Ops ND4J = Ops.of(Backend.ND4J);
    private long seed = 77;

    private INDArray rand(long... shape) {
        return Tensor.uniform(new Rng(seed++), -1, 1, shape).array();
    }

    @Test
    void lstmLayerMatchesTheGeneralForm() {
        int n = 3;
        int t = 5;
        int h = 4;
        INDArray xg = rand(n, t, 4 * h);
        INDArray w = rand(4 * h, h);
        INDArray b = rand(4 * h);
        INDArray states = rand(2, n, h);                                   // h0 and c0 as views of one array
        INDArray h0 = states.slice(0);
        INDArray c0 = states.slice(1);
        RecurrentPass fast = CPU.lstmLayer(xg, w, b, h0, c0);
        RecurrentPass ref = ND4J.lstmLayer(xg, w, b, h0, c0);
        assertInstanceOf(CpuLstmPass.class, fast);
        close("output", ref.output(), fast.output());
        close("h", ref.h(), fast.h());
        close("c", ref.c(), fast.c());
        backwardsAgree(fast, ref, rand(n, t, h), rand(n, h), rand(n, h), new long[][] {
            {n, t, 4 * h}, {4 * h, h}, {4 * h}, {n, h}, {n, h}});
    }

    @Test
    void gruLayerMatchesTheGeneralForm() {
        int n = 2;
        int t = 6;
        int h = 5;
        INDArray xg = rand(n, t, 3 * h);
        INDArray w = rand(3 * h, h);
        INDArray b = rand(3 * h);
        INDArray h0 = rand(n, h);
        RecurrentPass fast = CPU.gruLayer(xg, w, b, h0);
        RecurrentPass ref = ND4J.gruLayer(xg, w, b, h0);
        assertInstanceOf(CpuGruPass.class, fast);
        assertNull(fast.c());
        close("output", ref.output(), fast.output());
        close("h", ref.h(), fast.h());
        backwardsAgree(fast, ref, rand(n, t, h), rand(n, h), null, new long[][] {
            {n, t, 3 * h}, {3 * h, h}, {3 * h}, {n, h}});
    }

    @Test
    void doublePrecisionTakesTheGeneralForm() {
        INDArray xg = rand(2, 3, 8).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        INDArray w = rand(8, 2).castTo(xg.dataType());
        INDArray b = rand(8).castTo(xg.dataType());
        INDArray s = rand(2, 2).castTo(xg.dataType());
        assertInstanceOf(Nd4jRecurrentPasses.Lstm.class, CPU.lstmLayer(xg, w, b, s, s));
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
                gr[i] = start[i].dup('c');
                betas[i] = beta;
            }
            fast.backward(dOut, dh, dc, gf, betas);
            ref.backward(dOut, dh, dc, gr, betas);
            for (int i = 0; i < shapes.length; i++) {
                assertArrayEquals(shapes[i], gf[i].shape(), "gradient " + i);
                close("gradient " + i + " (beta " + beta + ")", gr[i], gf[i]);
            }
        }
    }

    private static void close(String what, INDArray want, INDArray got) {
        double[] e = want.dup('c').data().asDouble();
        double[] a = got.dup('c').data().asDouble();
        assertEquals(e.length, a.length, what);
        for (int j = 0; j < e.length; j++) {
            assertEquals(e[j], a[j], 2e-5 * Math.max(1, Math.abs(e[j])), what + ", element " + j);
        }
    }
}
