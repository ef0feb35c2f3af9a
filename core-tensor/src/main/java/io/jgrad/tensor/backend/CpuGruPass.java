package io.jgrad.tensor.backend;

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
 * gate gradients are kept twice, input side and hidden side.
 */
final class CpuGruPass implements RecurrentPass {
    private final int n;
    private final int t;
    private final int h;
    private final Ops ops;
    private final INDArray x;
    private final INDArray wIh;
    private final INDArray w;
    private final Parallel.Partition parts;
    /** h_0 … h_{T−1}, {@code [N, T, H]}, for the GEMMs; the same on the heap for the cell backward. */
    private final INDArray hs;
    private final float[][] hPrev;
    private final INDArray out;
    private final INDArray hLast;
    /** Per step: r, z, n and the hidden projection of n, {@code h·W_hnᵀ + b_hn}. */
    private final float[][] rs;
    private final float[][] zs;
    private final float[][] ns;
    private final float[][] hns;

    CpuGruPass(Ops ops, INDArray x, INDArray wIh, INDArray bIh, INDArray w, INDArray b, INDArray h0) {
        this.ops = ops;
        this.x = x;
        this.wIh = wIh;
        this.w = w;
        n = (int) x.size(0);
        t = (int) x.size(1);
        h = (int) w.size(1);
        int nh = n * h;
        hs = RecurrentRows.floats(n, t, h);
        out = RecurrentRows.floats(n, t, h);
        hPrev = new float[t + 1][];
        hPrev[0] = HostFloats.read(h0);
        for (int s = 0; s < t; s++) {
            hPrev[s + 1] = new float[nh];
        }
        rs = new float[t][nh];
        zs = new float[t][nh];
        ns = new float[t][nh];
        hns = new float[t][nh];
        parts = Parallel.partition(n, CpuLstmPass.MIN_ROWS);
        Forward f = new Forward(bIh, b);
        Parallel.run("gruLayer", parts, (part, r0, r1) -> f.run((int) r0, (int) r1));
        hLast = RecurrentRows.of(hPrev[t], n, h);
    }

    /** The forward's buffers, shared by the parts, each touching its own rows. */
    private final class Forward {
        private final RecurrentRows.ForwardRows io;
        /** b_hh's three blocks, each repeated for every row, {@code [N·H]}. */
        private final float[][] bias;
        /** The hidden projections of r and z, and x's three, {@code [N·H]} each. */
        private final float[] hr;
        private final float[] hz;
        private final float[][] xp;

        Forward(INDArray bIh, INDArray b) {
            int nh = n * h;
            float[] bhh = HostFloats.read(b);
            bias = new float[3][nh];
            for (int q = 0; q < 3; q++) {
                for (int r = 0; r < n; r++) {
                    System.arraycopy(bhh, q * h, bias[q], r * h, h);
                }
            }
            INDArray proj = RecurrentRows.scratch(RecurrentRows.PROJECTIONS, (long) n * t, 3 * h);
            RecurrentInputs.projectOnto(ops, x, wIh, RecurrentRows.fillRows(proj, HostFloats.read(bIh)));   // b_ih + x·W_ihᵀ
            io = new RecurrentRows.ForwardRows(proj, w, hs, out, hPrev[0]);
            hr = new float[nh];
            hz = new float[nh];
            xp = new float[][] {new float[nh], new float[nh], new float[nh]};
        }

        /** Every step of batch rows {@code [r0, r1)}. */
        void run(int r0, int r1) {
            int from = r0 * h;
            int to = r1 * h;
            for (int s = 0; s < t; s++) {
                float[][] hid = {hr, hz, hns[s]};
                io.products(s, r0, r1, hid, xp);
                for (int q = 0; q < 3; q++) {
                    GateMath.add(hid[q], bias[q], from, to);
                }
                cell(xp[0], xp[1], xp[2], hr, hz, hns[s], hPrev[s], rs[s], zs[s], ns[s], hPrev[s + 1], from, to);
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
        float[][] di = {new float[nh], new float[nh], new float[nh]};
        float[][] dgh = {di[0], di[1], new float[nh]};
        float[] dh = rows.carried();
        float[] tmp = new float[nh];
        Parallel.run("gruLayerBackward", parts, (part, r0, r1) -> {
            for (int s = t - 1; s >= 0; s--) {
                rows.dh(s, (int) r0, (int) r1, 0, dh, tmp);
                cellBackward(rs[s], zs[s], ns[s], hns[s], hPrev[s], dh, di[0], di[1], di[2], dgh[2], (int) r0 * h,
                        (int) r1 * h);
                rows.gates(s, (int) r0, (int) r1, 0, di, dgh);
                rows.recurrent(s, (int) r0, (int) r1, 0, w, true, dh, tmp);
            }
        });
        if (grads[H0] != null) {
            RecurrentRows.write(grads[H0], betas[H0], dh);
        }
        rows.weightGrads(grads, betas, hs);
        RecurrentInputs.backward(ops, rows.dGi, x, wIh, grads, betas);
    }
}
