package io.jgrad.tensor;

import io.jgrad.tensor.backend.BatchNormPass;
import io.jgrad.tensor.backend.Dense;
import io.jgrad.tensor.backend.Parallel;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Training-mode batch normalisation of a dense float32 {@code [N, C]} batch as two JVM passes
 * forward and two backward, the way PyTorch's CPU kernel computes it: per-channel statistics
 * accumulated in double, then {@code y = x·α + β} with {@code α = γ·invstd},
 * {@code β = bias − mean·α} in float. Backward (PyTorch's closed form):
 * {@code Σdy}, {@code dot = Σ(x − mean)·dy}, {@code dx = (dy − (x − mean)·dot·invstd²/N − Σdy/N)·invstd·γ},
 * {@code dγ = dot·invstd}, {@code dβ = Σdy}. The {@code cpu} backend's batch norm (its
 * {@code Ops} uses ND4J's form for other types and layouts).
 *
 * <p>With {@code relu}, the same pass also rectifies: the forward writes {@code max(y, 0)} (as
 * {@link Kernels#relu}) and the backward masks the incoming gradient by the rectified output
 * being positive (as {@link Kernels#reluBackward}) in its own heap copy, so the pair costs no
 * separate rectifier pass and no masked gradient array, with the unfused pair's bits.
 */
public final class BatchNormKernel implements BatchNormPass {
    private final int n;
    private final int c;
    /** Per-thread host copies of g, x and the rectified output, reused from call to call (two 256 KB arrays per W2 layer were fresh each time). */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[3][0]);

    private final INDArray x;
    private final double[] mean;
    private final double[] biasedVar;
    private final double[] invstd;
    private final float[] weight;
    /** The rectified output when this pass is fused with a ReLU, else null. */
    private final INDArray rectified;

    private BatchNormKernel(int n, int c, INDArray x, double[] mean, double[] biasedVar, double[] invstd,
                            float[] weight, INDArray rectified) {
        this.n = n;
        this.c = c;
        this.x = x;
        this.mean = mean;
        this.biasedVar = biasedVar;
        this.invstd = invstd;
        this.weight = weight;
        this.rectified = rectified;
    }

    /** Whether the fast path applies: dense float32 input and (if present) parameters. */
    public static boolean fits(INDArray x, INDArray weight, INDArray bias) {
        return x.rank() == 2 && Dense.float32(x) && (weight == null || Dense.float32(weight) && Dense.float32(bias));
    }

    /** Normalises {@code x} with its batch statistics into {@code y} (same shape); γ, β may be null. */
    public static BatchNormKernel forward(INDArray xa, INDArray weight, INDArray bias, double eps, INDArray y) {
        return forward(xa, weight, bias, eps, y, false);
    }

    /**
     * {@link #forward(INDArray, INDArray, INDArray, double, INDArray)}, then with {@code relu} the
     * rectifier in the same pass ({@code y = max(y, 0)}); the pass's backward then takes the
     * gradient of the rectified output.
     */
    public static BatchNormKernel forward(INDArray xa, INDArray weight, INDArray bias, double eps, INDArray y,
                                          boolean relu) {
        int n = (int) xa.size(0);
        int c = (int) xa.size(1);
        float[] xs = scratch(0, n * c);
        Kernels.floats(xa).get(0, xs, 0, n * c);
        double[] mean = new double[c];
        double[] var = new double[c];
        double[] invstd = new double[c];
        float[] w = read(weight, c);
        float[] b = read(bias, c);
        FloatBuffer out = Kernels.floats(y);
        byChannelParts(n, c, (j0, j1) -> {
            for (int i = 0; i < n; i++) {
                int at = i * c;
                for (int j = j0; j < j1; j++) {
                    mean[j] += xs[at + j];
                }
            }
            for (int j = j0; j < j1; j++) {
                mean[j] /= n;
            }
            for (int i = 0; i < n; i++) {
                int at = i * c;
                for (int j = j0; j < j1; j++) {
                    double d = xs[at + j] - mean[j];
                    var[j] += d * d;
                }
            }
            float[] alpha = new float[c];
            float[] beta = new float[c];
            for (int j = j0; j < j1; j++) {
                var[j] /= n;
                invstd[j] = 1 / Math.sqrt(var[j] + eps);
                double a = w == null ? invstd[j] : invstd[j] * w[j];
                alpha[j] = (float) a;
                beta[j] = (float) ((b == null ? 0 : b[j]) - mean[j] * a);
            }
            float[] row = new float[c];
            for (int i = 0; i < n; i++) {
                int at = i * c;
                for (int j = j0; j < j1; j++) {
                    row[j] = xs[at + j] * alpha[j] + beta[j];
                }
                if (relu) {
                    for (int j = j0; j < j1; j++) {
                        row[j] = Math.max(row[j], 0f);       // as Kernels.relu: NaN stays NaN, -0 becomes 0
                    }
                }
                out.put(at + j0, row, j0, j1 - j0);
            }
        });
        return new BatchNormKernel(n, c, xa, mean, var, invstd, w, relu ? y : null);
    }

    /** A pass over channels {@code [j0, j1)}. */
    private interface ChannelRange {
        void run(int j0, int j1);
    }

    /**
     * Batches of at least this many values are split over two cores, and each further part needs
     * half as many more. Lower than {@link HostChunks#SPLIT_ELEMENTS}: the statistics passes
     * accumulate in double, which the JIT does not vectorise (~2 ns a value here, ten times a
     * ReLU), so the hand-off pays sooner; W2's 128×256 and 128×512 batches are above it.
     */
    static final int SPLIT_ELEMENTS = 1 << 15;

    /**
     * Runs {@code pass} over all channels in parts of whole channels ({@link Parallel}), each
     * part at least {@link #SPLIT_ELEMENTS}/2 values: channels are independent, so the result is
     * the one-thread result bit for bit.
     */
    private static void byChannelParts(int n, int c, ChannelRange pass) {
        long grain = Math.max(1, (SPLIT_ELEMENTS / 2 + n - 1) / Math.max(1, n));
        Parallel.forRange("batch_norm", c, grain, (j0, j1) -> pass.run((int) j0, (int) j1));
    }

    /** The batch mean per channel. */
    @Override
    public double[] mean() {
        return mean;
    }

    /** The biased batch variance per channel. */
    @Override
    public double[] var() {
        return biasedVar;
    }

    /**
     * Back-propagates {@code g = dL/dy}: writes {@code dx} into {@code dx} (if not null) as
     * {@code dx = betaX·dx + grad}, and likewise {@code dγ}, {@code dβ} (each may be null).
     */
    @Override
    public void backward(INDArray g, INDArray dx, double betaX, INDArray dWeight, double betaW,
                         INDArray dBias, double betaB) {
        float[] gs = scratch(0, n * c);
        Kernels.floats(Dense.float32(g) ? g : g.dup('c')).get(0, gs, 0, n * c);
        float[] x = scratch(1, n * c);                 // the input, read again (the forward's copy was scratch)
        Kernels.floats(this.x).get(0, x, 0, n * c);
        float[] ys = null;
        if (rectified != null) {
            ys = scratch(2, n * c);
            Kernels.floats(rectified).get(0, ys, 0, n * c);
        }
        float[] rect = ys;
        double[] sum = new double[c];
        double[] dot = new double[c];
        FloatBuffer out = dx == null ? null : Kernels.floats(dx);
        byChannelParts(n, c, (j0, j1) -> {
            if (rect != null) {
                for (int i = 0; i < n; i++) {
                    int at = i * c;
                    for (int j = j0; j < j1; j++) {
                        gs[at + j] = Kernels.passIfPositive(rect[at + j], gs[at + j]);    // ReLU's backward
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                int at = i * c;
                for (int j = j0; j < j1; j++) {
                    sum[j] += gs[at + j];
                    dot[j] += (x[at + j] - mean[j]) * gs[at + j];
                }
            }
            if (out != null) {
                inputGradient(x, gs, sum, dot, out, betaX, j0, j1);
            }
        });
        if (dWeight != null) {
            double[] dw = new double[c];
            for (int j = 0; j < c; j++) {
                dw[j] = dot[j] * invstd[j];
            }
            accumulate(dWeight, dw, betaW);
        }
        if (dBias != null) {
            accumulate(dBias, sum, betaB);
        }
    }

    /** {@code dx = betaX·dx + (g − (x − mean)·dot·invstd²/N − Σg/N)·invstd·γ} for channels {@code [j0, j1)}. */
    private void inputGradient(float[] x, float[] gs, double[] sum, double[] dot, FloatBuffer out, double betaX,
                               int j0, int j1) {
        float[] meanF = new float[c];
        float[] kF = new float[c];
        float[] sumF = new float[c];
        float[] scale = new float[c];
        for (int j = j0; j < j1; j++) {
            meanF[j] = (float) mean[j];
            kF[j] = (float) (dot[j] * invstd[j] * invstd[j] / n);
            sumF[j] = (float) (sum[j] / n);
            scale[j] = (float) (invstd[j] * (weight == null ? 1 : weight[j]));
        }
        float[] row = new float[c];
        float bx = (float) betaX;
        for (int i = 0; i < n; i++) {
            int at = i * c;
            if (betaX != 0) {
                out.get(at + j0, row, j0, j1 - j0);
            }
            for (int j = j0; j < j1; j++) {
                float v = (gs[at + j] - (x[at + j] - meanF[j]) * kF[j] - sumF[j]) * scale[j];
                row[j] = betaX == 0 ? v : bx * row[j] + v;
            }
            out.put(at + j0, row, j0, j1 - j0);
        }
    }

    private static float[] scratch(int slot, int size) {
        float[][] s = SCRATCH.get();
        if (s[slot].length < size) {
            s[slot] = new float[size];
        }
        return s[slot];
    }

    private static float[] read(INDArray a, int c) {
        if (a == null) {
            return null;
        }
        float[] f = new float[c];
        Kernels.floats(a).get(0, f);
        return f;
    }

    private static void accumulate(INDArray dst, double[] v, double beta) {
        float[] f = new float[v.length];
        FloatBuffer buf = Kernels.floats(dst);
        if (beta != 0) {
            buf.get(0, f);
        }
        for (int j = 0; j < v.length; j++) {
            f[j] = beta == 0 ? (float) v[j] : (float) (beta * f[j] + v[j]);
        }
        buf.put(0, f);
    }
}
