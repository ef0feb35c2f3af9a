package io.jgrad.tensor.backend;

import io.jgrad.tensor.Blas;
import io.jgrad.tensor.Kernels;
import io.jgrad.tensor.StepScope;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The data movement the {@code cpu} backend's recurrent layers ({@link CpuLstmPass},
 * {@link CpuGruPass}) share: one time step's rows of a batch-first {@code [N, T, F]} native
 * array to and from a heap {@code [N, F]} block (one bulk copy per row), gate blocks split
 * out of and joined into rows of {@code G·H} (so that {@link GateMath}-style loops index every
 * array alike), and the weight gradients of all steps at once.
 */
final class RecurrentRows {
    /** Slots of {@link #scratch}: a forward step's gate products; a backward's gate gradients and recurrent product. */
    static final int GATES = 0;
    static final int GATE_GRADS = 1;
    static final int HIDDEN_GRAD = 2;
    private static final ThreadLocal<INDArray[]> SCRATCH = ThreadLocal.withInitial(() -> new INDArray[3]);

    private RecurrentRows() {
    }

    /**
     * A float32 native buffer of {@code length} elements (1-d) reused by the calling thread from
     * call to call: the temporaries that live only inside one forward or one backward. Fresh
     * multi-megabyte buffers cost their page faults every step (a quarter of W8's native time).
     */
    static INDArray scratch(int slot, long length) {
        INDArray[] s = SCRATCH.get();
        if (s[slot] == null || s[slot].length() != length) {
            s[slot] = org.nd4j.linalg.factory.Nd4j.createUninitialized(DataType.FLOAT, new long[] {length}, 'c');
        }
        return s[slot];
    }

    /**
     * Whether the cpu form runs: float32 throughout, the projections, weight and bias row-major
     * over whole buffers (read in place; the states are copied whatever their layout), each
     * under 2^31 elements.
     */
    static boolean fits(INDArray xGates, INDArray w, INDArray b, INDArray... states) {
        for (INDArray a : new INDArray[] {xGates, w, b}) {
            if (a.dataType() != DataType.FLOAT || !Dense.readableRowMajor(a) || a.length() >= Integer.MAX_VALUE / 4) {
                return false;
            }
        }
        for (INDArray a : states) {
            if (a.dataType() != DataType.FLOAT) {
                return false;
            }
        }
        return true;
    }

    /** A new float32 step temporary of this shape. */
    static INDArray floats(long... shape) {
        return StepScope.newArray(DataType.FLOAT, shape);
    }

    /** A new float32 step temporary holding {@code data}. */
    static INDArray of(float[] data, long... shape) {
        return HostFloats.write(data, shape);
    }

    /** {@code a} itself when a kernel may read its buffer in row-major order, else a dense copy. */
    static INDArray readable(INDArray a) {
        return a.dataType() == DataType.FLOAT && Dense.readableRowMajor(a) ? a : a.dup('c');
    }

    /** {@code bias [F]} repeated for each of {@code n} rows into {@code dst [n·F]}. */
    static void broadcastBias(float[] bias, int n, float[] dst) {
        for (int r = 0; r < n; r++) {
            System.arraycopy(bias, 0, dst, r * bias.length, bias.length);
        }
    }

    /** Step {@code s} of the batch-first {@code [n, t, width]} buffer {@code src} into {@code dst [n·width]}. */
    static void gather(FloatBuffer src, int s, int t, int n, int width, float[] dst) {
        for (int r = 0; r < n; r++) {
            src.get((r * t + s) * width, dst, r * width, width);
        }
    }

    /** {@code src [n·width]} into step {@code s} of the batch-first {@code [n, t, width]} buffer {@code dst}. */
    static void scatter(float[] src, FloatBuffer dst, int s, int t, int n, int width) {
        for (int r = 0; r < n; r++) {
            dst.put((r * t + s) * width, src, r * width, width);
        }
    }

    /** The {@code gates} blocks of width {@code h} of each row of {@code rows [n, gates·h]}, each as a new {@code [n·h]} array. */
    static float[][] split(float[] rows, int n, int h, int gates) {
        float[][] parts = new float[gates][n * h];
        for (int r = 0; r < n; r++) {
            for (int q = 0; q < gates; q++) {
                System.arraycopy(rows, (r * gates + q) * h, parts[q], r * h, h);
            }
        }
        return parts;
    }

    /** The inverse of {@link #split}: {@code parts[q] [n·h]} into the rows of {@code dst [n, gates·h]}. */
    static void join(float[][] parts, int n, int h, float[] dst) {
        int gates = parts.length;
        for (int r = 0; r < n; r++) {
            for (int q = 0; q < gates; q++) {
                System.arraycopy(parts[q], r * h, dst, (r * gates + q) * h, h);
            }
        }
    }

    /** {@code dst = beta·dst + src}, {@code src} on the heap. */
    static void write(INDArray dst, double beta, float[] src) {
        if (beta == 0 && Dense.float32(dst)) {
            HostFloats.buffer(dst).put(0, src);
        } else {
            Nd4jRecurrentPasses.into(dst, of(src, dst.shape()), beta);
        }
    }

    /**
     * Writes or adds ({@code beta}) one step at a time into the batch-first {@code [n, t, width]}
     * gradient buffer {@code dst} (nothing when it is null): directly when it is dense float32,
     * else through a temporary added at {@link #finish}.
     */
    static final class Scatter {
        private final INDArray dst;
        private final INDArray buf;
        private final boolean add;
        private final double beta;
        private final FloatBuffer fb;
        private final int t;
        private final int n;
        private final int width;
        private final float[] row;

        Scatter(INDArray dst, double beta, int t, int n, int width) {
            this.dst = dst;
            this.beta = beta;
            this.t = t;
            this.n = n;
            this.width = width;
            this.buf = dst == null ? null : Dense.float32(dst) ? dst : floats(dst.shape());
            this.add = dst != null && buf == dst && beta != 0;
            this.fb = buf == null ? null : HostFloats.buffer(buf);
            this.row = new float[add ? width : 0];
        }

        void step(int s, float[] src) {
            if (fb == null) {
                return;
            }
            if (!add) {
                scatter(src, fb, s, t, n, width);
                return;
            }
            for (int r = 0; r < n; r++) {
                int off = (r * t + s) * width;
                fb.get(off, row);
                for (int j = 0; j < width; j++) {
                    row[j] = (float) (beta * row[j]) + src[r * width + j];
                }
                fb.put(off, row);
            }
        }

        void finish() {
            if (buf != null && buf != dst) {
                Nd4jRecurrentPasses.into(dst, buf, beta);
            }
        }
    }

    /**
     * The hidden weight's and bias's gradients of all steps at once: {@code dW = dGᵀ·hPrev}
     * (ONE GEMM over {@code rows = T·N} rows of the time-major {@code dG [rows, G·H]} and
     * {@code hPrev [rows, H]}) and {@code db = Σ_rows dG}, into {@code grads[WEIGHT_HH]},
     * {@code grads[BIAS_HH]} with their betas (skipped when null).
     */
    static void weightGrads(INDArray[] grads, double[] betas, INDArray dG, INDArray hPrev, int rows, int gh, int h) {
        INDArray dw = grads[RecurrentPass.WEIGHT_HH];
        if (dw != null) {
            if (Dense.float32(dw)) {
                Blas.sgemmAt(true, false, gh, h, rows, 1f, dG, 0, gh, hPrev, 0, h, (float) betas[RecurrentPass.WEIGHT_HH],
                        dw, 0, h);
            } else {
                INDArray tmp = floats(gh, h);
                Blas.sgemmAt(true, false, gh, h, rows, 1f, dG, 0, gh, hPrev, 0, h, 0f, tmp, 0, h);
                Nd4jRecurrentPasses.into(dw, tmp, betas[RecurrentPass.WEIGHT_HH]);
            }
        }
        INDArray db = grads[RecurrentPass.BIAS_HH];
        if (db != null) {
            Kernels.columnSums(dG.reshape(rows, gh), db, betas[RecurrentPass.BIAS_HH]);
        }
    }
}
