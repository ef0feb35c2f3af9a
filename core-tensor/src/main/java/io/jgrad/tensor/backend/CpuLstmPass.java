package io.jgrad.tensor.backend;

import io.jgrad.tensor.Blas;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The {@code cpu} backend's float32 LSTM layer over a whole sequence. What the general form
 * ({@link Nd4jRecurrentPasses.Lstm}) spends per step, a dozen ND4J array allocations, strided
 * {@code assign}s and native op calls, is gone: the input projections of all steps, both biases
 * included, are one GEMM into a reused buffer, to which each step's GEMM adds {@code h·W_hhᵀ} in
 * place, reading the hidden states from one {@code [N, T, H]} buffer; the activations and cell
 * states stay on the JVM heap, gate by gate, for the backward; each step's cell is a few SIMD
 * loops ({@link GateMath}). The backward keeps every step's gate gradients in one
 * {@code [N·T, 4H]} buffer, so {@code dW_hh}, {@code dW_ih}, {@code dX} are ONE GEMM each and the
 * bias gradients one column sum, after the loop; the loop itself holds only the recurrent
 * product {@code dh_{t−1} = dG_t·W_hh}.
 *
 * <p><b>Cores.</b> The batch rows are independent through the whole recurrence, so both loops
 * are cut by rows over the cores ({@link Parallel}, parts of at least {@link #MIN_ROWS} rows) and
 * each part runs every step of its rows with unsplit GEMMs ({@link Blas#sgemmAtSerial}): one
 * hand-off per layer and direction instead of one per step, and the cells run on every core.
 * Splitting each step's small GEMM instead left the cell on one core and paid a hand-off 50 times
 * a layer; bench/README.md ("W8, rows cut over the cores") has both measured on a quiet machine.
 */
final class CpuLstmPass implements RecurrentPass {
    /** The fewest batch rows a part of the recurrence is worth. */
    static final int MIN_ROWS = 8;
    private final int n;
    private final int t;
    private final int h;
    private final Ops ops;
    private final INDArray x;
    private final INDArray wIh;
    private final INDArray w;
    private final Parallel.Partition parts;
    /** h_0 … h_{T−1}: the hidden state each step starts from, {@code [N, T, H]}. */
    private final INDArray hs;
    private final INDArray out;
    private final INDArray hLast;
    private final INDArray cLast;
    /** Per step, the activations σ(i), σ(f), tanh(g), σ(o), each {@code [N·H]}: {@code act[s][q]}. */
    private final float[][][] act;
    /** c_0 … c_T. */
    private final float[][] cs;

    CpuLstmPass(Ops ops, INDArray x, INDArray wIh, INDArray bIh, INDArray w, INDArray b, INDArray h0, INDArray c0) {
        this.ops = ops;
        this.x = x;
        this.wIh = wIh;
        this.w = w;
        n = (int) x.size(0);
        t = (int) x.size(1);
        h = (int) w.size(1);
        int nh = n * h;
        parts = Parallel.partition(n, MIN_ROWS);
        hs = RecurrentRows.floats(n, t, h);
        out = RecurrentRows.floats(n, t, h);
        act = new float[t][4][nh];
        cs = new float[t + 1][];
        cs[0] = HostFloats.read(c0);
        for (int s = 0; s < t; s++) {
            cs[s + 1] = new float[nh];
        }
        Forward f = new Forward(bIh, b, HostFloats.read(h0));
        Parallel.run("lstmLayer", parts, (part, r0, r1) -> f.run((int) r0, (int) r1));
        hLast = RecurrentRows.of(f.hNew, n, h);
        cLast = RecurrentRows.of(cs[t], n, h);
    }

    /** The forward's buffers, shared by the parts, each touching its own rows. */
    private final class Forward {
        private final RecurrentRows.ForwardRows io;
        private final float[] hNew;

        Forward(INDArray bIh, INDArray b, float[] h0) {
            int g4 = 4 * h;
            float[] bias = HostFloats.read(bIh);
            GateMath.add(bias, HostFloats.read(b), g4);
            INDArray proj = RecurrentRows.fillRows(RecurrentRows.scratch(RecurrentRows.PROJECTIONS, (long) n * t, g4), bias);
            RecurrentInputs.projectOnto(ops, x, wIh, proj);      // b_ih + b_hh + x·W_ihᵀ
            io = new RecurrentRows.ForwardRows(proj, w, hs, out, h0);
            hNew = h0;
        }

        /** Every step of batch rows {@code [r0, r1)}. */
        void run(int r0, int r1) {
            int from = r0 * h;
            int to = r1 * h;
            for (int s = 0; s < t; s++) {
                float[][] a = act[s];
                io.gates(s, r0, r1, a);
                GateMath.sigmoidInPlace(a[0], from, to);
                GateMath.sigmoidInPlace(a[1], from, to);
                GateMath.tanhInPlace(a[2], from, to);
                GateMath.sigmoidInPlace(a[3], from, to);
                cell(a[0], a[1], a[2], a[3], cs[s], cs[s + 1], hNew, from, to);
                io.store(s, r0, r1, hNew);
            }
        }
    }

    /** {@code c = f·cPrev + i·g}, {@code hOut = o·tanh(c)} (two loops, see {@link GateMath}). */
    private static void cell(float[] i, float[] f, float[] g, float[] o, float[] cPrev, float[] c, float[] hOut,
                             int from, int to) {
        for (int k = from; k < to; k++) {
            c[k] = f[k] * cPrev[k] + i[k] * g[k];
        }
        for (int k = from; k < to; k++) {
            hOut[k] = o[k] * GateMath.tanh(c[k]);
        }
    }

    /**
     * The cell's backward: from {@code dh} (reaching h_t) and {@code dc}
     * (reaching c_t, replaced in place by the gradient reaching c_{t−1}), the gradients of the
     * four pre-activations; {@code dO} first holds tanh(c). Seven short loops, see {@link GateMath}.
     */
    private static void cellBackward(float[] i, float[] f, float[] g, float[] o, float[] cPrev, float[] c, float[] dh,
                                     float[] dc, float[][] d, int from, int to) {
        float[] di = d[0];
        float[] df = d[1];
        float[] dg = d[2];
        float[] dO = d[3];
        for (int k = from; k < to; k++) {
            dO[k] = GateMath.tanh(c[k]);
        }
        for (int k = from; k < to; k++) {
            float tc = dO[k];
            dc[k] = dc[k] + dh[k] * o[k] * (1 - tc * tc);     // now the gradient reaching c_t in all
        }
        for (int k = from; k < to; k++) {
            dO[k] = dh[k] * dO[k] * o[k] * (1 - o[k]);
        }
        for (int k = from; k < to; k++) {
            di[k] = dc[k] * g[k] * i[k] * (1 - i[k]);
        }
        for (int k = from; k < to; k++) {
            df[k] = dc[k] * cPrev[k] * f[k] * (1 - f[k]);
        }
        for (int k = from; k < to; k++) {
            dg[k] = dc[k] * i[k] * (1 - g[k] * g[k]);
        }
        for (int k = from; k < to; k++) {
            dc[k] = dc[k] * f[k];
        }
    }

    @Override
    public INDArray output() {
        return out;
    }

    @Override
    public INDArray h() {
        return hLast;
    }

    @Override
    public INDArray c() {
        return cLast;
    }

    @Override
    public void backward(INDArray dOut, INDArray dhLast, INDArray dcLast, INDArray[] grads, double[] betas) {
        int nh = n * h;
        int g4 = 4 * h;
        RecurrentRows.BackwardRows rows = new RecurrentRows.BackwardRows(dOut, dhLast, t, n, h, 4, false);
        float[] dc = dcLast == null ? new float[nh] : HostFloats.read(dcLast);
        float[][] d = {new float[nh], new float[nh], new float[nh], new float[nh]};
        Parallel.run("lstmLayerBackward", parts, (part, r0, r1) -> {
            int from = (int) r0 * h;
            int to = (int) r1 * h;
            for (int s = t - 1; s >= 0; s--) {
                float[] dh = rows.dh(s, (int) r0, (int) r1);
                float[][] a = act[s];
                cellBackward(a[0], a[1], a[2], a[3], cs[s], cs[s + 1], dh, dc, d, from, to);
                rows.gates(s, (int) r0, (int) r1, d, d);
                if (s > 0) {
                    rows.recurrent(s, (int) r0, (int) r1, w, false);
                }
            }
        });
        INDArray dh0 = grads[H0];
        if (dh0 != null) {          // dh_0 = dG_0·W_hh: the rows (n, 0) of dG, straight into its buffer
            INDArray into = Dense.float32(dh0) ? dh0 : RecurrentRows.floats(n, h);
            Blas.sgemmAt(false, false, n, h, g4, 1f, rows.dG, 0, t * g4, w, 0, h, into == dh0 ? (float) betas[H0] : 0f,
                    into, 0, h);
            if (into != dh0) {
                Nd4jRecurrentPasses.into(dh0, into, betas[H0]);
            }
        }
        if (grads[C0] != null) {
            RecurrentRows.write(grads[C0], betas[C0], dc);
        }
        rows.weightGrads(grads, betas, hs);
        RecurrentInputs.backward(ops, rows.dGi, x, wIh, grads, betas);
    }
}
