package io.jgrad.tensor.backend;

import io.jgrad.tensor.Blas;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The {@code cpu} backend's float32 LSTM layer over a whole sequence. What the general form
 * ({@link Nd4jRecurrentPasses.Lstm}) spends per step, a dozen ND4J array allocations, strided
 * {@code assign}s and native op calls, is gone: the hidden states live in one time-major
 * {@code [T, N, H]} buffer the per-step GEMM ({@link Blas#sgemmAt}) reads in place; the
 * activations and cell states stay on the JVM heap, gate by gate, for the backward; each step's
 * cell is a few SIMD loops ({@link GateMath}). The backward keeps every step's gate gradients in
 * one {@code [T·N, 4H]} buffer, so {@code dW_hh = Σ_t dG_tᵀ·h_{t−1}} is ONE GEMM over all steps
 * and {@code db_hh} one column sum, after the loop; the loop itself holds only the recurrent
 * product {@code dh_{t−1} = dG_t·W_hh}.
 */
final class CpuLstmPass implements RecurrentPass {
    private final int n;
    private final int t;
    private final int h;
    private final INDArray w;
    /** h_0 … h_{T−1}: the hidden state each step starts from, time-major. */
    private final INDArray hs;
    private final INDArray out;
    private final INDArray hLast;
    private final INDArray cLast;
    /** Per step, the activations σ(i), σ(f), tanh(g), σ(o), each {@code [N·H]}. */
    private final float[][] gi;
    private final float[][] gf;
    private final float[][] gg;
    private final float[][] go;
    /** c_0 … c_T. */
    private final float[][] cs;

    CpuLstmPass(INDArray xGates, INDArray w, INDArray b, INDArray h0, INDArray c0) {
        n = (int) xGates.size(0);
        t = (int) xGates.size(1);
        h = (int) w.size(1);
        this.w = w;
        int nh = n * h;
        int g4 = 4 * h;
        int ng = n * g4;
        float[] bias = new float[ng];
        float[] scale = new float[ng];
        float[] shift = new float[ng];
        RecurrentRows.broadcastBias(HostFloats.read(b), n, bias);
        java.util.Arrays.fill(scale, 0.5f);                 // sigmoid for i, f, o
        java.util.Arrays.fill(shift, 0.5f);
        for (int r = 0; r < n; r++) {
            java.util.Arrays.fill(scale, r * g4 + 2 * h, r * g4 + 3 * h, 1f);     // tanh for g
            java.util.Arrays.fill(shift, r * g4 + 2 * h, r * g4 + 3 * h, 0f);
        }
        hs = RecurrentRows.floats(t, n, h);
        out = RecurrentRows.floats(n, t, h);
        INDArray gates = RecurrentRows.scratch(RecurrentRows.GATES, (long) n * g4);
        FloatBuffer xb = HostFloats.buffer(xGates);
        FloatBuffer hsb = HostFloats.buffer(hs);
        FloatBuffer outb = HostFloats.buffer(out);
        FloatBuffer gb = HostFloats.buffer(gates);
        gi = new float[t][];
        gf = new float[t][];
        gg = new float[t][];
        go = new float[t][];
        cs = new float[t + 1][];
        cs[0] = HostFloats.read(c0);
        float[] hNew = HostFloats.read(h0);
        hsb.put(0, hNew);
        float[] pre = new float[ng];
        float[] x = new float[ng];
        for (int s = 0; s < t; s++) {
            Blas.sgemmAt(false, true, n, g4, h, 1f, hs, (long) s * nh, h, w, 0, h, 0f, gates, 0, g4);
            gb.get(0, pre);
            RecurrentRows.gather(xb, s, t, n, g4, x);
            GateMath.activate(pre, x, bias, scale, shift, ng);
            float[][] split = RecurrentRows.split(pre, n, h, 4);
            gi[s] = split[0];
            gf[s] = split[1];
            gg[s] = split[2];
            go[s] = split[3];
            cs[s + 1] = new float[nh];
            cell(gi[s], gf[s], gg[s], go[s], cs[s], cs[s + 1], hNew, nh);
            if (s + 1 < t) {
                hsb.put((s + 1) * nh, hNew);
            }
            RecurrentRows.scatter(hNew, outb, s, t, n, h);
        }
        hLast = RecurrentRows.of(hNew, n, h);
        cLast = RecurrentRows.of(cs[t], n, h);
    }

    /** {@code c = f·cPrev + i·g}, {@code hOut = o·tanh(c)} (two loops, see {@link GateMath}). */
    private static void cell(float[] i, float[] f, float[] g, float[] o, float[] cPrev, float[] c, float[] hOut, int len) {
        for (int k = 0; k < len; k++) {
            c[k] = f[k] * cPrev[k] + i[k] * g[k];
        }
        for (int k = 0; k < len; k++) {
            hOut[k] = o[k] * GateMath.tanh(c[k]);
        }
    }

    /**
     * The cell's backward: from {@code dh} (reaching h_t) and {@code dc} (reaching c_t, replaced
     * in place by the gradient reaching c_{t−1}), the gradients of the four pre-activations;
     * {@code dO} first holds tanh(c). Seven short loops, see {@link GateMath}.
     */
    private static void cellBackward(float[] i, float[] f, float[] g, float[] o, float[] cPrev, float[] c, float[] dh,
                                     float[] dc, float[] di, float[] df, float[] dg, float[] dO, int len) {
        for (int k = 0; k < len; k++) {
            dO[k] = GateMath.tanh(c[k]);
        }
        for (int k = 0; k < len; k++) {
            float tc = dO[k];
            dc[k] = dc[k] + dh[k] * o[k] * (1 - tc * tc);     // now the gradient reaching c_t in all
        }
        for (int k = 0; k < len; k++) {
            dO[k] = dh[k] * dO[k] * o[k] * (1 - o[k]);
        }
        for (int k = 0; k < len; k++) {
            di[k] = dc[k] * g[k] * i[k] * (1 - i[k]);
        }
        for (int k = 0; k < len; k++) {
            df[k] = dc[k] * cPrev[k] * f[k] * (1 - f[k]);
        }
        for (int k = 0; k < len; k++) {
            dg[k] = dc[k] * i[k] * (1 - g[k] * g[k]);
        }
        for (int k = 0; k < len; k++) {
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
        int ng = n * g4;
        FloatBuffer gb = HostFloats.buffer(RecurrentRows.readable(dOut));
        INDArray dG = RecurrentRows.scratch(RecurrentRows.GATE_GRADS, (long) t * n * g4);
        INDArray dhRec = RecurrentRows.scratch(RecurrentRows.HIDDEN_GRAD, (long) n * h);
        FloatBuffer dgb = HostFloats.buffer(dG);
        FloatBuffer dhb = HostFloats.buffer(dhRec);
        float[] dh = dhLast == null ? new float[nh] : HostFloats.read(dhLast);
        float[] dc = dcLast == null ? new float[nh] : HostFloats.read(dcLast);
        float[] rows = new float[nh];
        float[][] parts = {new float[nh], new float[nh], new float[nh], new float[nh]};
        float[] joined = new float[ng];
        RecurrentRows.Scatter dx = new RecurrentRows.Scatter(grads[XGATES], betas[XGATES], t, n, g4);
        for (int s = t - 1; s >= 0; s--) {
            RecurrentRows.gather(gb, s, t, n, h, rows);
            GateMath.add(dh, rows, nh);
            cellBackward(gi[s], gf[s], gg[s], go[s], cs[s], cs[s + 1], dh, dc, parts[0], parts[1], parts[2], parts[3], nh);
            RecurrentRows.join(parts, n, h, joined);
            dgb.put(s * ng, joined);
            dx.step(s, joined);
            if (s > 0) {
                Blas.sgemmAt(false, false, n, h, g4, 1f, dG, (long) s * ng, g4, w, 0, h, 0f, dhRec, 0, h);
                dhb.get(0, dh);
            }
        }
        dx.finish();
        INDArray dh0 = grads[H0];
        if (dh0 != null) {          // dh_0 = dG_0·W_hh, straight into its buffer
            INDArray into = Dense.float32(dh0) ? dh0 : RecurrentRows.floats(n, h);
            Blas.sgemmAt(false, false, n, h, g4, 1f, dG, 0, g4, w, 0, h, into == dh0 ? (float) betas[H0] : 0f, into, 0, h);
            if (into != dh0) {
                Nd4jRecurrentPasses.into(dh0, into, betas[H0]);
            }
        }
        RecurrentRows.weightGrads(grads, betas, dG, hs, t * n, g4, h);
        if (grads[C0] != null) {
            RecurrentRows.write(grads[C0], betas[C0], dc);
        }
    }
}
