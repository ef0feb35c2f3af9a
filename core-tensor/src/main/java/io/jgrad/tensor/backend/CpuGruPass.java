package io.jgrad.tensor.backend;

import io.jgrad.tensor.Blas;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The {@code cpu} backend's float32 GRU layer over a whole sequence, built as {@link CpuLstmPass}
 * (one time-major hidden-state buffer the per-step GEMM reads in place, activations kept on the
 * heap gate by gate, SIMD cell loops, the weight gradients of all steps as one GEMM and one
 * column sum after the backward's loop). PyTorch's formulas, gate order r, z, n:
 * {@code r = σ(x_r + h·W_hrᵀ + b_hr)}, {@code z = σ(x_z + h·W_hzᵀ + b_hz)},
 * {@code n = tanh(x_n + r·(h·W_hnᵀ + b_hn))}, {@code h' = (1 − z)·n + z·h}.
 */
final class CpuGruPass implements RecurrentPass {
    private final int n;
    private final int t;
    private final int h;
    private final INDArray w;
    /** h_0 … h_{T−1}, time-major, for the GEMMs; the same on the heap for the cell backward. */
    private final INDArray hs;
    private final float[][] hPrev;
    private final INDArray out;
    private final INDArray hLast;
    /** Per step: r, z, n and the hidden projection of n, {@code h·W_hnᵀ + b_hn}. */
    private final float[][] rs;
    private final float[][] zs;
    private final float[][] ns;
    private final float[][] hns;

    CpuGruPass(INDArray xGates, INDArray w, INDArray b, INDArray h0) {
        n = (int) xGates.size(0);
        t = (int) xGates.size(1);
        h = (int) w.size(1);
        this.w = w;
        int nh = n * h;
        int g3 = 3 * h;
        int ng = n * g3;
        float[] bias = new float[ng];
        RecurrentRows.broadcastBias(HostFloats.read(b), n, bias);
        hs = RecurrentRows.floats(t, n, h);
        out = RecurrentRows.floats(n, t, h);
        INDArray gates = RecurrentRows.scratch(RecurrentRows.GATES, (long) n * g3);
        FloatBuffer xb = HostFloats.buffer(xGates);
        FloatBuffer hsb = HostFloats.buffer(hs);
        FloatBuffer outb = HostFloats.buffer(out);
        FloatBuffer gb = HostFloats.buffer(gates);
        hPrev = new float[t + 1][];
        rs = new float[t][];
        zs = new float[t][];
        ns = new float[t][];
        hns = new float[t][];
        hPrev[0] = HostFloats.read(h0);
        hsb.put(0, hPrev[0]);
        float[] gh = new float[ng];
        float[] x = new float[ng];
        for (int s = 0; s < t; s++) {
            Blas.sgemmAt(false, true, n, g3, h, 1f, hs, (long) s * nh, h, w, 0, h, 0f, gates, 0, g3);
            gb.get(0, gh);
            GateMath.add(gh, bias, ng);
            RecurrentRows.gather(xb, s, t, n, g3, x);
            float[][] hp = RecurrentRows.split(gh, n, h, 3);
            float[][] xp = RecurrentRows.split(x, n, h, 3);
            rs[s] = new float[nh];
            zs[s] = new float[nh];
            ns[s] = new float[nh];
            hns[s] = hp[2];
            hPrev[s + 1] = new float[nh];
            cell(xp[0], xp[1], xp[2], hp[0], hp[1], hp[2], hPrev[s], rs[s], zs[s], ns[s], hPrev[s + 1], nh);
            if (s + 1 < t) {
                hsb.put((s + 1) * nh, hPrev[s + 1]);
            }
            RecurrentRows.scatter(hPrev[s + 1], outb, s, t, n, h);
        }
        hLast = RecurrentRows.of(hPrev[t], n, h);
    }

    /** One step's r, z, n and h' (short loops, see {@link GateMath}). */
    private static void cell(float[] xr, float[] xz, float[] xn, float[] hr, float[] hz, float[] hn, float[] h0,
                             float[] r, float[] z, float[] nn, float[] h1, int len) {
        for (int k = 0; k < len; k++) {
            r[k] = xr[k] + hr[k];
        }
        GateMath.sigmoidInPlace(r, len);
        for (int k = 0; k < len; k++) {
            z[k] = xz[k] + hz[k];
        }
        GateMath.sigmoidInPlace(z, len);
        for (int k = 0; k < len; k++) {
            nn[k] = xn[k] + r[k] * hn[k];
        }
        GateMath.tanhInPlace(nn, len);
        for (int k = 0; k < len; k++) {
            h1[k] = nn[k] + z[k] * (h0[k] - nn[k]);
        }
    }

    /**
     * The cell's backward from {@code dh} (reaching h_t): the gradients of r, z, n's
     * pre-activations ({@code dr}, {@code dz}, {@code dn}; the hidden side of n gets
     * {@code dn·r}, {@code dhn}) and, replacing {@code dh}, its direct part {@code dh·z} reaching h_{t−1}.
     */
    private static void cellBackward(float[] r, float[] z, float[] nn, float[] hn, float[] h0, float[] dh, float[] dr,
                                     float[] dz, float[] dn, float[] dhn, int len) {
        for (int k = 0; k < len; k++) {
            dn[k] = dh[k] * (1 - z[k]) * (1 - nn[k] * nn[k]);
        }
        for (int k = 0; k < len; k++) {
            dr[k] = dn[k] * hn[k] * r[k] * (1 - r[k]);
        }
        for (int k = 0; k < len; k++) {
            dz[k] = dh[k] * (h0[k] - nn[k]) * z[k] * (1 - z[k]);
        }
        for (int k = 0; k < len; k++) {
            dhn[k] = dn[k] * r[k];
        }
        for (int k = 0; k < len; k++) {
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
        int g3 = 3 * h;
        int ng = n * g3;
        FloatBuffer gb = HostFloats.buffer(RecurrentRows.readable(dOut));
        INDArray dG = RecurrentRows.scratch(RecurrentRows.GATE_GRADS, (long) t * n * g3);
        INDArray dhRec = RecurrentRows.scratch(RecurrentRows.HIDDEN_GRAD, (long) n * h);
        FloatBuffer dgb = HostFloats.buffer(dG);
        FloatBuffer dhb = HostFloats.buffer(dhRec);
        float[] dh = dhLast == null ? new float[nh] : HostFloats.read(dhLast);
        float[] rows = new float[nh];
        float[][] di = {new float[nh], new float[nh], new float[nh]};
        float[][] dgh = {di[0], di[1], new float[nh]};
        float[] joined = new float[ng];
        RecurrentRows.Scatter dx = new RecurrentRows.Scatter(grads[XGATES], betas[XGATES], t, n, g3);
        for (int s = t - 1; s >= 0; s--) {
            RecurrentRows.gather(gb, s, t, n, h, rows);
            GateMath.add(dh, rows, nh);
            cellBackward(rs[s], zs[s], ns[s], hns[s], hPrev[s], dh, di[0], di[1], di[2], dgh[2], nh);
            RecurrentRows.join(di, n, h, joined);
            dx.step(s, joined);
            RecurrentRows.join(dgh, n, h, joined);
            dgb.put(s * ng, joined);
            Blas.sgemmAt(false, false, n, h, g3, 1f, dG, (long) s * ng, g3, w, 0, h, 0f, dhRec, 0, h);
            dhb.get(0, rows);
            GateMath.add(dh, rows, nh);
        }
        dx.finish();
        if (grads[H0] != null) {
            RecurrentRows.write(grads[H0], betas[H0], dh);
        }
        RecurrentRows.weightGrads(grads, betas, dG, hs, t * n, g3, h);
    }
}
