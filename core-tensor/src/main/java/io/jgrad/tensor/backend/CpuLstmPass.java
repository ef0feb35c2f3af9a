package io.jgrad.tensor.backend;

import io.jgrad.tensor.Blas;
import io.jgrad.tensor.EarlyRelease;
import java.util.Arrays;
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
    /** Hands {@link #hs} back to the cache once the backward has read it (null: not a cache block). */
    private final EarlyRelease.Handle hsRelease;
    private boolean released;
    private final INDArray out;
    private final INDArray hLast;
    private final INDArray cLast;
    /** Each part's rows of the state the backward reads. */
    private final Rows[] state;

    CpuLstmPass(Ops ops, INDArray x, INDArray wIh, INDArray bIh, INDArray w, INDArray b, INDArray h0, INDArray c0) {
        this.ops = ops;
        this.x = x;
        this.wIh = wIh;
        this.w = w;
        n = (int) x.size(0);
        t = (int) x.size(1);
        h = (int) w.size(1);
        parts = Parallel.partition(n, MIN_ROWS);
        try (EarlyRelease.Capture made = EarlyRelease.capture()) {
            hs = RecurrentRows.floats(n, t, h);
            hsRelease = made.find(hs);
        }
        out = RecurrentRows.floats(n, t, h);
        state = new Rows[parts.parts()];
        float[] hAll = HostFloats.read(h0);
        float[] cAll = HostFloats.read(c0);
        Forward f = new Forward(bIh, b, hAll);
        Parallel.run("lstmLayer", parts, (part, r0, r1) -> {
            Rows rows = new Rows((int) r0, (int) r1, hAll, cAll);
            state[part] = rows;
            f.run(rows);
        });
        for (Rows rows : state) {               // h_0, c_0 have been read: the arrays now take h_T, c_T
            rows.collect(rows.h, hAll);
            rows.collect(rows.cs[t], cAll);
        }
        hLast = RecurrentRows.of(hAll, n, h);
        cLast = RecurrentRows.of(cAll, n, h);
    }

    /**
     * One part's batch rows {@code [r0, r1)} of the state, on the heap of the thread that ran it,
     * indexed from the part's first row (so every loop indexes its arrays alike): per step the
     * activations σ(i), σ(f), tanh(g), σ(o), {@code act[s][q]}, and c_0 … c_T.
     */
    private final class Rows {
        final int r0;
        final int r1;
        final int len;
        final float[][][] act;
        /** c_0 … c_T, from {@link StateArrays} as {@link #act}. */
        final float[][] cs;
        /** The hidden state after the last step run. */
        final float[] h;

        Rows(int r0, int r1, float[] h0, float[] c0) {
            this.r0 = r0;
            this.r1 = r1;
            len = (r1 - r0) * CpuLstmPass.this.h;
            act = StateArrays.take(t, 4, len);
            cs = StateArrays.take(t + 1, len);
            System.arraycopy(c0, r0 * CpuLstmPass.this.h, cs[0], 0, len);
            h = slice(h0);
        }

        /** This part's rows of {@code all [N·H]}. */
        float[] slice(float[] all) {
            return Arrays.copyOfRange(all, r0 * CpuLstmPass.this.h, r0 * CpuLstmPass.this.h + len);
        }

        /** This part's rows {@code mine} written into {@code all [N·H]}. */
        void collect(float[] mine, float[] all) {
            System.arraycopy(mine, 0, all, r0 * CpuLstmPass.this.h, len);
        }

        /** Hands the state arrays back for the next forward: the backward has read them. */
        void release() {
            StateArrays.give(act);
            StateArrays.give(cs);
        }
    }

    /** The forward's buffers, shared by the parts, each touching its own rows. */
    private final class Forward {
        private final RecurrentRows.ForwardRows io;

        Forward(INDArray bIh, INDArray b, float[] h0) {
            int g4 = 4 * h;
            float[] bias = HostFloats.read(bIh);
            GateMath.add(bias, HostFloats.read(b), g4);
            INDArray proj = RecurrentRows.fillRows(RecurrentRows.scratch(RecurrentRows.PROJECTIONS, (long) n * t, g4), bias);
            RecurrentInputs.projectOnto(ops, x, wIh, proj);      // b_ih + b_hh + x·W_ihᵀ
            io = RecurrentRows.ForwardRows.summing(proj, w, hs, out, h0);
        }

        /** Every step of one part's rows. */
        void run(Rows rows) {
            int len = rows.len;
            for (int s = 0; s < t; s++) {
                float[][] a = rows.act[s];
                io.gates(s, rows.r0, rows.r1, rows.r0, a);
                GateMath.sigmoidInPlace(a[0], 0, len);
                GateMath.sigmoidInPlace(a[1], 0, len);
                GateMath.tanhInPlace(a[2], 0, len);
                GateMath.sigmoidInPlace(a[3], 0, len);
                cell(a[0], a[1], a[2], a[3], rows.cs[s], rows.cs[s + 1], rows.h, 0, len);
                io.store(s, rows.r0, rows.r1, rows.r0, rows.h);
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

    /** Hands every part's state arrays back ({@link StateArrays}) and the hidden states to the cache. */
    @Override
    public void release() {
        if (released) {
            return;
        }
        released = true;
        for (Rows rows : state) {
            rows.release();
        }
        if (hsRelease != null) {
            hsRelease.release();
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
        int g4 = 4 * h;
        RecurrentRows.BackwardRows rows = new RecurrentRows.BackwardRows(dOut, dhLast, t, n, h, 4, false);
        float[] dcAll = dcLast == null ? new float[n * h] : HostFloats.read(dcLast);
        float[][] partSums = new float[parts.parts()][];
        Parallel.run("lstmLayerBackward", parts, (part, r0, r1) -> {
            Rows st = state[part];
            int len = st.len;
            float[] dh = st.slice(rows.carried());
            float[] tmp = new float[len];
            float[] dc = st.slice(dcAll);
            float[][] d = {new float[len], new float[len], new float[len], new float[len]};
            float[][] stepSums = {new float[len], new float[len], new float[len], new float[len]};
            for (int s = t - 1; s >= 0; s--) {
                rows.dh(s, st.r0, st.r1, st.r0, dh, tmp);
                float[][] a = st.act[s];
                cellBackward(a[0], a[1], a[2], a[3], st.cs[s], st.cs[s + 1], dh, dc, d, 0, len);
                rows.gates(s, st.r0, st.r1, st.r0, d, d);
                for (int q = 0; q < 4; q++) {
                    GateMath.add(stepSums[q], d[q], len);
                }
                if (s > 0) {
                    rows.recurrent(s, st.r0, st.r1, st.r0, w, false, dh, tmp);
                }
            }
            st.collect(dc, dcAll);
            partSums[part] = RecurrentRows.rowSums(stepSums, len / h, h);
        });
        float[] biasSums = partSums[0];             // Σ dG over all N·T rows: both biases' gradient
        for (int p = 1; p < partSums.length; p++) {
            GateMath.add(biasSums, partSums[p], g4);
        }
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
            RecurrentRows.write(grads[C0], betas[C0], dcAll);
        }
        rows.weightGrads(grads, betas, hs, biasSums);
        INDArray[] inputGrads = grads.clone();
        inputGrads[BIAS_IH] = null;                 // the same sums as b_hh's
        RecurrentInputs.backward(ops, rows.dGi, x, wIh, inputGrads, betas);
        if (grads[BIAS_IH] != null) {
            RecurrentRows.write(grads[BIAS_IH], betas[BIAS_IH], biasSums);
        }
    }
}
