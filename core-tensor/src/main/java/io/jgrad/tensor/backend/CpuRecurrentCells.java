package io.jgrad.tensor.backend;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The {@code cpu} backend's fused LSTM and GRU cells: every array of a step is bulk-copied to the
 * JVM heap once, the whole cell (activations, state update, or the backward's gate gradients)
 * runs as one plain loop, and the results are copied back once, where the ND4J form makes a
 * dozen native calls and passes per step. Dense float32 arrays only ({@link #fits}); callers
 * fall back to {@link Nd4jSequenceKernels} otherwise. Formulas are those documented on {@link Ops}.
 */
final class CpuRecurrentCells {
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[7][0]);

    private CpuRecurrentCells() {
    }

    static boolean fits(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (!Dense.float32(a)) {
                return false;
            }
        }
        return true;
    }

    static void lstmCell(INDArray gates, INDArray cPrev, INDArray cNew, INDArray hNew) {
        int n = (int) cPrev.size(0);
        int h = (int) cPrev.size(1);
        float[] g = read(0, gates);
        float[] c0 = read(1, cPrev);
        float[] c1 = scratch(2, n * h);
        float[] h1 = scratch(3, n * h);
        for (int r = 0; r < n; r++) {
            int b = r * 4 * h;
            for (int j = 0; j < h; j++) {
                float i = sigmoid(g[b + j]);
                float f = sigmoid(g[b + h + j]);
                float gg = tanh(g[b + 2 * h + j]);
                float o = sigmoid(g[b + 3 * h + j]);
                g[b + j] = i;
                g[b + h + j] = f;
                g[b + 2 * h + j] = gg;
                g[b + 3 * h + j] = o;
                float c = f * c0[r * h + j] + i * gg;
                c1[r * h + j] = c;
                h1[r * h + j] = o * tanh(c);
            }
        }
        write(g, gates);
        write(c1, cNew);
        write(h1, hNew);
    }

    static void lstmCellBackward(INDArray act, INDArray cPrev, INDArray cNew, INDArray dh, INDArray dc,
                                 INDArray dGates) {
        int n = (int) cPrev.size(0);
        int h = (int) cPrev.size(1);
        float[] a = read(0, act);
        float[] c0 = read(1, cPrev);
        float[] c1 = read(2, cNew);
        float[] gh = read(3, dh);
        float[] gc = read(4, dc);
        float[] out = scratch(5, 4 * n * h);
        for (int r = 0; r < n; r++) {
            int b = r * 4 * h;
            for (int j = 0; j < h; j++) {
                int k = r * h + j;
                float i = a[b + j];
                float f = a[b + h + j];
                float g = a[b + 2 * h + j];
                float o = a[b + 3 * h + j];
                float tc = tanh(c1[k]);
                float dcT = gc[k] + gh[k] * o * (1 - tc * tc);
                out[b + j] = dcT * g * i * (1 - i);
                out[b + h + j] = dcT * c0[k] * f * (1 - f);
                out[b + 2 * h + j] = dcT * i * (1 - g * g);
                out[b + 3 * h + j] = gh[k] * tc * o * (1 - o);
                gc[k] = dcT * f;
            }
        }
        write(out, dGates);
        write(gc, dc);
    }

    static void gruCell(INDArray gi, INDArray gh, INDArray hPrev, INDArray hNew) {
        int n = (int) hPrev.size(0);
        int h = (int) hPrev.size(1);
        float[] x = read(0, gi);
        float[] y = read(1, gh);
        float[] h0 = read(2, hPrev);
        float[] h1 = scratch(3, n * h);
        for (int r = 0; r < n; r++) {
            int b = r * 3 * h;
            for (int j = 0; j < h; j++) {
                float rr = sigmoid(x[b + j] + y[b + j]);
                float z = sigmoid(x[b + h + j] + y[b + h + j]);
                float nn = tanh(x[b + 2 * h + j] + rr * y[b + 2 * h + j]);
                x[b + j] = rr;
                x[b + h + j] = z;
                x[b + 2 * h + j] = nn;
                h1[r * h + j] = (1 - z) * nn + z * h0[r * h + j];
            }
        }
        write(x, gi);
        write(h1, hNew);
    }

    static void gruCellBackward(INDArray act, INDArray gh, INDArray hPrev, INDArray dh, INDArray dGi, INDArray dGh,
                                INDArray dhPrev) {
        int n = (int) hPrev.size(0);
        int h = (int) hPrev.size(1);
        float[] a = read(0, act);
        float[] y = read(1, gh);
        float[] h0 = read(2, hPrev);
        float[] g = read(3, dh);
        float[] prev = read(4, dhPrev);
        float[] di = scratch(5, 3 * n * h);
        float[] dy = scratch(6, 3 * n * h);
        for (int r = 0; r < n; r++) {
            int b = r * 3 * h;
            for (int j = 0; j < h; j++) {
                int k = r * h + j;
                float rr = a[b + j];
                float z = a[b + h + j];
                float nn = a[b + 2 * h + j];
                float dn = g[k] * (1 - z) * (1 - nn * nn);
                float dr = dn * y[b + 2 * h + j] * rr * (1 - rr);
                float dz = g[k] * (h0[k] - nn) * z * (1 - z);
                di[b + j] = dr;
                di[b + h + j] = dz;
                di[b + 2 * h + j] = dn;
                dy[b + j] = dr;
                dy[b + h + j] = dz;
                dy[b + 2 * h + j] = dn * rr;
                prev[k] += g[k] * z;
            }
        }
        write(di, dGi);
        write(dy, dGh);
        write(prev, dhPrev);
    }

    /**
     * tanh through the {@code exp} intrinsic: {@code Math.tanh} is StrictMath's software routine,
     * ~29% of a W8 LSTM step in a profile. Computed in double (a series below 1e-3, where
     * {@code 1 - e} would cancel), so the float result is tanh's to within its rounding.
     */
    static float tanh(float x) {
        double a = Math.abs((double) x);
        if (a < 1e-3) {
            double a2 = a * a;
            return (float) Math.copySign(a * (1 - a2 * (1.0 / 3 - a2 * (2.0 / 15))), x);
        }
        double e = Math.exp(-2 * a);
        return (float) Math.copySign((1 - e) / (1 + e), x);
    }

    private static float sigmoid(float x) {
        return (float) (1 / (1 + Math.exp(-x)));
    }

    private static float[] read(int slot, INDArray a) {
        float[] f = scratch(slot, (int) a.length());
        Transfers.hostView(a).get(0, f, 0, (int) a.length());
        return f;
    }

    private static void write(float[] f, INDArray a) {
        HostSpan b = Transfers.hostView(a);
        b.put(0, f, 0, (int) a.length());
    }

    private static float[] scratch(int slot, int n) {
        float[][] s = SCRATCH.get();
        if (s[slot].length < n) {
            s[slot] = new float[n];
        }
        return s[slot];
    }
}
