package io.jgrad.tensor;

import io.jgrad.tensor.backend.BatchNormPass;
import io.jgrad.tensor.backend.Dense;
import io.jgrad.tensor.backend.HostSpan;
import io.jgrad.tensor.backend.Parallel;
import io.jgrad.tensor.backend.Transfers;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Training-mode batch normalisation of a dense float32 {@code [N, C]} batch as PyTorch 2.13's CPU
 * kernel computes it for one thread ({@code batch_norm_cpu_collect_stats_channels_last_impl} and
 * the matching transform and backward: a 2-d input is "channels last"), bit for bit: per channel,
 * over the rows in order, in float, {@code Σx}, then {@code mean = (float) ((double) Σx / N)},
 * {@code varSum = Σ fma(x − mean, x − mean, ·)}, {@code invstd = (float) (1 / √((double) (varSum / N) + eps))}
 * (that division in float),
 * {@code α = invstd·γ}, {@code β = fma(−mean, α, bias)}, {@code y = fma(x, α, β)}. Backward:
 * {@code Σdy}, {@code dot = Σ fma(x − mean, dy, ·)}, {@code k = dot·invstd·invstd/N},
 * {@code dx = fma(−(x − mean), k, dy − Σdy/N)·invstd·γ} (for the last {@code C mod 8} channels, PyTorch's
 * scalar tail, {@code (dy − Σdy/N − (x − mean)·k)·invstd·γ}), {@code dγ = dot·invstd}, {@code dβ = Σdy}.
 * (PyTorch on more threads sums each thread's rows apart and adds the partial sums in double, so
 * its low bits then depend on its thread count; here the parts are whole channels and the result
 * is the one-thread result on any count.) Every loop runs over a part's channels of one row held
 * in small heap arrays with plain indices (the backward reads its rows straight from native memory
 * into them), which the JIT vectorises (float sums and {@code fma}); the
 * double accumulation of the previous form did not vectorise (its float-to-double conversions)
 * and cost ~4-5 ns a value. The {@code cpu} backend's batch norm (its {@code Ops} uses ND4J's
 * form for other types and layouts).
 *
 * <p>With {@code relu}, the same pass also rectifies: the forward writes {@code max(y, 0)} (as
 * {@link Kernels#relu}) and the backward masks the incoming gradient by the rectified output
 * being positive (as {@link Kernels#reluBackward}) in its own heap copy, so the pair costs no
 * separate rectifier pass and no masked gradient array, with the unfused pair's bits.
 */
public final class BatchNormKernel implements BatchNormPass {
    private final int n;
    private final int c;
    /**
     * A per-thread host array reused from call to call (256 KB arrays per W2 layer were fresh each time): the
     * forward's copy of x, the backward's masked gradient when fused with a ReLU.
     */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[1][0]);

    private final INDArray x;
    /** The batch mean and 1/√(biased variance + eps), as float (what the backward uses, as PyTorch's saved ones). */
    private final float[] meanF;
    private final float[] invstdF;
    /** The per-channel sums of squared deviations, for the biased variance the running statistics need. */
    private final float[] varSum;
    private final float[] weight;
    /** The rectified output when this pass is fused with a ReLU, else null. */
    private final INDArray rectified;

    private BatchNormKernel(int n, int c, INDArray x, float[] meanF, float[] invstdF, float[] varSum, float[] weight,
                            INDArray rectified) {
        this.n = n;
        this.c = c;
        this.x = x;
        this.meanF = meanF;
        this.invstdF = invstdF;
        this.varSum = varSum;
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
        Transfers.hostView(xa).get(0, xs, 0, n * c);
        float[] meanF = new float[c];
        float[] invstdF = new float[c];
        float[] varSum = new float[c];
        float[] w = read(weight, c);
        float[] b = read(bias, c);
        HostSpan out = Transfers.hostView(y);
        byChannelParts(n, c, (j0, j1) -> {
            int len = j1 - j0;
            float[] row = new float[len];
            float[] acc = new float[len];
            for (int i = 0; i < n; i++) {
                System.arraycopy(xs, i * c + j0, row, 0, len);
                for (int k = 0; k < len; k++) {
                    acc[k] += row[k];
                }
            }
            float[] mu = new float[len];
            for (int k = 0; k < len; k++) {
                mu[k] = (float) ((double) acc[k] / n);
                acc[k] = 0;
            }
            for (int i = 0; i < n; i++) {
                System.arraycopy(xs, i * c + j0, row, 0, len);
                for (int k = 0; k < len; k++) {
                    float d = row[k] - mu[k];
                    acc[k] = Math.fma(d, d, acc[k]);
                }
            }
            float[] alpha = new float[len];
            float[] beta = new float[len];
            for (int k = 0; k < len; k++) {
                int j = j0 + k;
                float is = (float) (1 / Math.sqrt((double) (acc[k] / (float) n) + eps));   // the division in float, as PyTorch
                meanF[j] = mu[k];
                varSum[j] = acc[k];
                invstdF[j] = is;
                alpha[k] = w == null ? is : is * w[j];
                beta[k] = Math.fma(-mu[k], alpha[k], b == null ? 0f : b[j]);
            }
            for (int i = 0; i < n; i++) {
                System.arraycopy(xs, i * c + j0, row, 0, len);
                for (int k = 0; k < len; k++) {
                    row[k] = Math.fma(row[k], alpha[k], beta[k]);
                }
                if (relu) {
                    for (int k = 0; k < len; k++) {
                        row[k] = Math.max(row[k], 0f);       // as Kernels.relu: NaN stays NaN, -0 becomes 0
                    }
                }
                out.put(i * c + j0, row, 0, len);
            }
        });
        return new BatchNormKernel(n, c, xa, meanF, invstdF, varSum, w, relu ? y : null);
    }

    /** A pass over channels {@code [j0, j1)}. */
    private interface ChannelRange {
        void run(int j0, int j1);
    }

    /**
     * Batches of at least this many values are split over two cores, and each further part needs
     * half as many more. Lower than {@link HostChunks#SPLIT_ELEMENTS}: a batch norm makes three
     * passes over its input forward and two over input and gradient backward, so the hand-off pays
     * sooner; W2's 128×256 and 128×512 batches are above it.
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

    /** The batch mean per channel (the float mean, widened). */
    @Override
    public double[] mean() {
        double[] m = new double[c];
        for (int j = 0; j < c; j++) {
            m[j] = meanF[j];
        }
        return m;
    }

    /** The biased batch variance per channel ({@code varSum / N} in double). */
    @Override
    public double[] var() {
        double[] v = new double[c];
        for (int j = 0; j < c; j++) {
            v[j] = (double) varSum[j] / n;
        }
        return v;
    }

    /**
     * Back-propagates {@code g = dL/dy}: writes {@code dx} into {@code dx} (if not null) as
     * {@code dx = betaX·dx + grad}, and likewise {@code dγ}, {@code dβ} (each may be null).
     */
    @Override
    public void backward(INDArray g, INDArray dx, double betaX, INDArray dWeight, double betaW,
                         INDArray dBias, double betaB) {
        // rows are read straight from native memory into the parts' small arrays (one copy, not two); only
        // the masked gradient of a fused ReLU is kept on the heap for the input gradient's pass
        HostSpan gb = Transfers.hostView(Dense.float32(g) ? g : g.dup('c'));
        HostSpan xb = Transfers.hostView(this.x);
        HostSpan yb = rectified == null ? null : Transfers.hostView(rectified);
        float[] masked = rectified == null ? null : scratch(0, n * c);
        float[] sum = new float[c];
        float[] dot = new float[c];
        HostSpan out = dx == null ? null : Transfers.hostView(dx);
        byChannelParts(n, c, (j0, j1) -> {
            int len = j1 - j0;
            float[] gr = new float[len];
            float[] xr = new float[len];
            float[] yr = yb == null ? null : new float[len];
            float[] mu = new float[len];
            float[] s = new float[len];
            float[] d = new float[len];
            System.arraycopy(meanF, j0, mu, 0, len);
            for (int i = 0; i < n; i++) {
                int at = i * c + j0;
                gb.get(at, gr, 0, len);
                if (yb != null) {
                    yb.get(at, yr, 0, len);
                    for (int k = 0; k < len; k++) {
                        gr[k] = Kernels.passIfPositive(yr[k], gr[k]);    // ReLU's backward
                    }
                    System.arraycopy(gr, 0, masked, at, len);            // for the input gradient below
                }
                xb.get(at, xr, 0, len);
                for (int k = 0; k < len; k++) {
                    s[k] += gr[k];
                    d[k] = Math.fma(xr[k] - mu[k], gr[k], d[k]);
                }
            }
            System.arraycopy(s, 0, sum, j0, len);
            System.arraycopy(d, 0, dot, j0, len);
            if (out != null) {
                inputGradient(xb, gb, masked, s, d, mu, out, betaX, j0, j1);
            }
        });
        if (dWeight != null) {
            accumulate(dWeight, products(dot, invstdF), betaW);
        }
        if (dBias != null) {
            accumulate(dBias, Transfers.widened(sum), betaB);
        }
    }

    /**
     * {@code a[j]·b[j]} in double. This class's short loops over channels live in methods of
     * their own, apart from the native reads and writes: a loop beside them made each of the JIT's
     * compiles of the caller (on-stack and whole) inline the NIO copies too, and W2's first epoch
     * waited on them (bench/README.md, "First blocks and the JIT").
     */
    private static double[] products(float[] a, float[] b) {
        double[] out = new double[a.length];
        for (int j = 0; j < a.length; j++) {
            out[j] = a[j] * b[j];
        }
        return out;
    }

    /**
     * {@code dx = betaX·dx + fma(−(x − mean), dot·invstd·invstd/N, g − Σg/N)·invstd·γ} for channels
     * {@code [j0, j1)}, given that part's sums {@code s} and dot products {@code d}.
     */
    private void inputGradient(HostSpan xb, HostSpan gb, float[] masked, float[] s, float[] d, float[] mu,
                               HostSpan out, double betaX, int j0, int j1) {
        int len = j1 - j0;
        float nf = n;
        float[] k2 = new float[len];
        float[] gMean = new float[len];
        float[] is = new float[len];
        float[] w = new float[len];
        for (int k = 0; k < len; k++) {
            int j = j0 + k;
            is[k] = invstdF[j];
            k2[k] = d[k] * is[k] * is[k] / nf;
            gMean[k] = s[k] / nf;
            w[k] = weight == null ? 1f : weight[j];
        }
        float[] gr = new float[len];
        float[] xr = new float[len];
        float[] v = new float[len];
        float[] row = new float[len];
        float bx = (float) betaX;
        // PyTorch's vector loop covers whole 8-float vectors (its AVX2 kernel, on AVX-512 machines too) and
        // its scalar tail, the last C mod 8 channels, rounds the product and the difference apart
        int plain = Math.max(0, Math.min(len, c - c % VECTOR - j0));
        for (int i = 0; i < n; i++) {
            int at = i * c + j0;
            if (masked != null) {
                System.arraycopy(masked, at, gr, 0, len);
            } else {
                gb.get(at, gr, 0, len);
            }
            xb.get(at, xr, 0, len);
            for (int k = 0; k < plain; k++) {
                v[k] = Math.fma(-(xr[k] - mu[k]), k2[k], gr[k] - gMean[k]) * is[k] * w[k];
            }
            for (int k = plain; k < len; k++) {
                v[k] = (gr[k] - gMean[k] - (xr[k] - mu[k]) * k2[k]) * is[k] * w[k];
            }
            if (betaX == 0) {
                out.put(at, v, 0, len);
            } else {
                out.get(at, row, 0, len);
                for (int k = 0; k < len; k++) {
                    row[k] = bx * row[k] + v[k];
                }
                out.put(at, row, 0, len);
            }
        }
    }

    /** The float lanes of the vectors PyTorch's batch-norm input gradient runs on (see {@link #inputGradient}). */
    private static final int VECTOR = 8;

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
        Transfers.hostView(a).get(0, f);
        return f;
    }

    private static void accumulate(INDArray dst, double[] v, double beta) {
        float[] f = new float[v.length];
        HostSpan buf = Transfers.hostView(dst);
        if (beta != 0) {
            buf.get(0, f);
        }
        blend(f, v, beta);
        buf.put(0, f);
    }

    /** {@code f = beta == 0 ? v : beta·f + v}, rounded to float (see {@link #products} for why apart). */
    private static void blend(float[] f, double[] v, double beta) {
        for (int j = 0; j < v.length; j++) {
            f[j] = beta == 0 ? (float) v[j] : (float) (beta * f[j] + v[j]);
        }
    }
}
