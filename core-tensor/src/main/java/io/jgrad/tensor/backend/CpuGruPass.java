package io.jgrad.tensor.backend;

import io.jgrad.tensor.EarlyRelease;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The {@code cpu} backend's float32 GRU layer over a whole sequence, built as {@link CpuLstmPass}
 * (the input projections of all steps as one GEMM, hidden states in one {@code [N, T, H]}
 * buffer the per-step GEMM reads in place, activations kept on the heap gate by gate, SIMD cell
 * loops, the batch rows cut over the cores for the whole recurrence, the weight and input
 * gradients of all steps as one GEMM or column sum each after the backward's loop). PyTorch's formulas, gate
 * order r, z, n: {@code r = σ(x_r + h·W_hrᵀ + b_hr)}, {@code z = σ(x_z + h·W_hzᵀ + b_hz)},
 * {@code n = tanh(x_n + r·(h·W_hnᵀ + b_hn))}, {@code h' = (1 − z)·n + z·h} ({@code x_*} the
 * input projections with b_ih); the n gate's hidden side apart from its input side, so its
 * gate gradients are kept twice, input side and hidden side. As the LSTM's, the heap arrays the
 * backward reads come from {@link StateArrays} and go back there, with the hidden states to the
 * cache, on {@link #release}; the forward's and backward's working rows are taken and given back
 * within the call: a steady training step makes none of its per-step arrays afresh.
 */
final class CpuGruPass implements RecurrentPass {
    /** Where each step's arrays sit in {@link #act}: r, z, n and n's hidden projection. */
    private static final int R = 0;
    private static final int Z = 1;
    private static final int N_GATE = 2;
    private static final int N_HIDDEN = 3;
    private final int n;
    private final int t;
    private final int h;
    private final Ops ops;
    private final INDArray x;
    private final INDArray wIh;
    private final INDArray w;
    private final Parallel.Partition parts;
    /** h_0 … h_{T−1}, {@code [N, T, H]}, for the GEMMs; h_0 … h_T on the heap for the cells. */
    private final INDArray hs;
    /** Hands {@link #hs} back to the cache once the backward has read it (null: not a cache block). */
    private final EarlyRelease.Handle hsRelease;
    private final float[][] hPrev;
    private final INDArray out;
    private final INDArray hLast;
    /** Per step {@code s}: r, z, n and n's hidden projection {@code h·W_hnᵀ + b_hn}, {@code act[s][R ... N_HIDDEN]}. */
    private final float[][][] act;
    private boolean released;

    CpuGruPass(Ops ops, INDArray x, INDArray wIh, INDArray bIh, INDArray w, INDArray b, INDArray h0) {
        this.ops = ops;
        this.x = x;
        this.wIh = wIh;
        this.w = w;
        n = (int) x.size(0);
        t = (int) x.size(1);
        h = (int) w.size(1);
        int nh = n * h;
        try (EarlyRelease.Capture made = EarlyRelease.capture()) {
            hs = RecurrentRows.floats(n, t, h);
            hsRelease = made.find(hs);
        }
        out = RecurrentRows.floats(n, t, h);
        hPrev = StateArrays.take(t + 1, nh);
        HostFloats.read(h0, hPrev[0]);
        act = StateArrays.take(t, 4, nh);
        parts = Parallel.partition(n, CpuLstmPass.MIN_ROWS);
        Forward f = new Forward(bIh, b);
        Parallel.run("gruLayer", parts, (part, r0, r1) -> f.run((int) r0, (int) r1));
        f.release();
        hLast = RecurrentRows.of(hPrev[t], n, h);
    }

    /** The forward's buffers, shared by the parts, each touching its own rows. */
    private final class Forward {
        private final RecurrentRows.ForwardRows io;
        /** The working rows below, one block from {@link StateArrays}. */
        private final float[][] work;
        /** b_hh's three blocks, each repeated for every row, {@code [N·H]}. */
        private final float[][] bias;
        /** The hidden projections of r and z, and x's three, {@code [N·H]} each. */
        private final float[] hr;
        private final float[] hz;
        private final float[][] xp;

        Forward(INDArray bIh, INDArray b) {
            float[] bhh = HostFloats.read(b);
            work = StateArrays.take(8, n * h);
            bias = new float[][] {work[0], work[1], work[2]};
            for (int q = 0; q < 3; q++) {
                for (int r = 0; r < n; r++) {
                    System.arraycopy(bhh, q * h, bias[q], r * h, h);
                }
            }
            INDArray proj = RecurrentRows.scratch(RecurrentRows.PROJECTIONS, (long) n * t, 3 * h);
            RecurrentInputs.projectOnto(ops, x, wIh, RecurrentRows.fillRows(proj, HostFloats.read(bIh)));   // b_ih + x·W_ihᵀ
            io = RecurrentRows.ForwardRows.apart(proj, w, hs, out, hPrev[0]);
            hr = work[3];
            hz = work[4];
            xp = new float[][] {work[5], work[6], work[7]};
        }

        /** Hands the working rows back: every part has run. */
        void release() {
            StateArrays.give(work);
        }

        /** Every step of batch rows {@code [r0, r1)}. */
        void run(int r0, int r1) {
            int from = r0 * h;
            int to = r1 * h;
            for (int s = 0; s < t; s++) {
                float[][] a = act[s];
                float[][] hid = {hr, hz, a[N_HIDDEN]};
                io.products(s, r0, r1, hid, xp);
                for (int q = 0; q < 3; q++) {
                    GateMath.add(hid[q], bias[q], from, to);
                }
                cell(xp[0], xp[1], xp[2], hr, hz, a[N_HIDDEN], hPrev[s], a[R], a[Z], a[N_GATE], hPrev[s + 1], from, to);
                io.store(s, r0, r1, 0, hPrev[s + 1]);
            }
        }
    }

    /** One step's r, z, n and h' (short loops, see {@link GateMath}). */
    private static void cell(float[] xr, float[] xz, float[] xn, float[] hr, float[] hz, float[] hn, float[] h0,
                             float[] r, float[] z, float[] nn, float[] h1, int from, int to) {
        for (int k = from; k < to; k++) {
            r[k] = xr[k] + hr[k];
        }
        GateMath.sigmoidInPlace(r, from, to);
        for (int k = from; k < to; k++) {
            z[k] = xz[k] + hz[k];
        }
        GateMath.sigmoidInPlace(z, from, to);
        for (int k = from; k < to; k++) {
            nn[k] = xn[k] + r[k] * hn[k];
        }
        GateMath.tanhInPlace(nn, from, to);
        for (int k = from; k < to; k++) {
            h1[k] = nn[k] + z[k] * (h0[k] - nn[k]);
        }
    }

    /**
     * The cell's backward from {@code dh} (reaching h_t): the gradients of r, z, n's
     * pre-activations ({@code dr}, {@code dz}, {@code dn}; the hidden side of n gets
     * {@code dn·r}, {@code dhn}) and, replacing {@code dh}, its direct part {@code dh·z} reaching h_{t−1}.
     */
    private static void cellBackward(float[] r, float[] z, float[] nn, float[] hn, float[] h0, float[] dh, float[] dr,
                                     float[] dz, float[] dn, float[] dhn, int from, int to) {
        for (int k = from; k < to; k++) {
            dn[k] = dh[k] * (1 - z[k]) * (1 - nn[k] * nn[k]);
        }
        for (int k = from; k < to; k++) {
            dr[k] = dn[k] * hn[k] * r[k] * (1 - r[k]);
        }
        for (int k = from; k < to; k++) {
            dz[k] = dh[k] * (h0[k] - nn[k]) * z[k] * (1 - z[k]);
        }
        for (int k = from; k < to; k++) {
            dhn[k] = dn[k] * r[k];
        }
        for (int k = from; k < to; k++) {
            dh[k] = dh[k] * z[k];
        }
    }

    /** Hands the state arrays back ({@link StateArrays}) and the hidden states to the cache. */
    @Override
    public void release() {
        if (released) {
            return;
        }
        released = true;
        StateArrays.give(act);
        StateArrays.give(hPrev);
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
        return null;
    }

    @Override
    public void backward(INDArray dOut, INDArray dhLast, INDArray dcLast, INDArray[] grads, double[] betas) {
        int nh = n * h;
        RecurrentRows.BackwardRows rows = new RecurrentRows.BackwardRows(dOut, dhLast, t, n, h, 3, true);
        float[][] work = StateArrays.take(5, nh);
        float[][] di = {work[0], work[1], work[2]};
        float[][] dgh = {di[0], di[1], work[3]};
        float[] dh = rows.carried();
        float[] tmp = work[4];
        Parallel.run("gruLayerBackward", parts, (part, r0, r1) -> {
            for (int s = t - 1; s >= 0; s--) {
                float[][] a = act[s];
                rows.dh(s, (int) r0, (int) r1, 0, dh, tmp);
                cellBackward(a[R], a[Z], a[N_GATE], a[N_HIDDEN], hPrev[s], dh, di[0], di[1], di[2], dgh[2],
                        (int) r0 * h, (int) r1 * h);
                rows.gates(s, (int) r0, (int) r1, 0, di, dgh);
                rows.recurrent(s, (int) r0, (int) r1, 0, w, true, dh, tmp);
            }
        });
        StateArrays.give(work);
        if (grads[H0] != null) {
            RecurrentRows.write(grads[H0], betas[H0], dh);
        }
        rows.weightGrads(grads, betas, hs);
        RecurrentInputs.backward(ops, rows.dGi, x, wIh, grads, betas);
    }
}
