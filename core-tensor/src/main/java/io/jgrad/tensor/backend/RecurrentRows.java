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

    /**
     * How a layer's batch rows are cut over the cores ({@link Parallel}): rows are independent
     * through the whole recurrence, so each part runs all {@code t} steps of its rows, forward
     * or backward, with no hand-off per step (a split GEMM per step had the other core poll
     * through every cell). At least 8 rows a part, and about a million multiply-adds of
     * recurrent GEMM ({@code t·G·H·H} per row).
     */
    static Parallel.Partition rowParts(int n, int t, int gh, int h) {
        long perRow = Math.max(1, (long) t * gh * h);
        return Parallel.partition(n, Math.max(8, ((1L << 20) + perRow - 1) / perRow));
    }

    /**
     * Rows {@code [r0, r1)} of step {@code s} of the batch-first {@code [n, t, width]} buffer
     * {@code src} into the same rows of {@code dst [n·width]}.
     */
    static void gather(FloatBuffer src, int s, int t, int r0, int r1, int width, float[] dst) {
        for (int r = r0; r < r1; r++) {
            src.get((r * t + s) * width, dst, r * width, width);
        }
    }

    /** Rows {@code [r0, r1)} of {@code src [n·width]} into step {@code s} of the batch-first {@code [n, t, width]} buffer {@code dst}. */
    static void scatter(float[] src, FloatBuffer dst, int s, int t, int r0, int r1, int width) {
        for (int r = r0; r < r1; r++) {
            dst.put((r * t + s) * width, src, r * width, width);
        }
    }

    /** The blocks of width {@code h} of rows {@code [r0, r1)} of {@code rows [n, G·h]} into {@code parts[q] [n·h]}, {@code G = parts.length}. */
    static void split(float[] rows, int r0, int r1, int h, float[][] parts) {
        int gates = parts.length;
        for (int r = r0; r < r1; r++) {
            for (int q = 0; q < gates; q++) {
                System.arraycopy(rows, (r * gates + q) * h, parts[q], r * h, h);
            }
        }
    }

    /** The inverse of {@link #split}: rows {@code [r0, r1)} of {@code parts[q] [n·h]} into those of {@code dst [n, G·h]}. */
    static void join(float[][] parts, int r0, int r1, int h, float[] dst) {
        int gates = parts.length;
        for (int r = r0; r < r1; r++) {
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
     * else through a temporary added at {@link #finish}. Parts of a {@link #rowParts} cut may
     * call {@link #step} concurrently for their own rows.
     */
    static final class Scatter {
        private final INDArray dst;
        private final INDArray buf;
        private final boolean add;
        private final double beta;
        private final FloatBuffer fb;
        private final int t;
        private final int width;

        Scatter(INDArray dst, double beta, int t, int width) {
            this.dst = dst;
            this.beta = beta;
            this.t = t;
            this.width = width;
            this.buf = dst == null ? null : Dense.float32(dst) ? dst : floats(dst.shape());
            this.add = dst != null && buf == dst && beta != 0;
            this.fb = buf == null ? null : HostFloats.buffer(buf);
        }

        /** Rows {@code [r0, r1)} of {@code src [n·width]} into step {@code s}. */
        void step(int s, float[] src, int r0, int r1) {
            if (fb == null) {
                return;
            }
            if (!add) {
                scatter(src, fb, s, t, r0, r1, width);
                return;
            }
            float[] row = new float[width];
            for (int r = r0; r < r1; r++) {
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
     * The forward loop's data movement both recurrent passes share, for the parts of a
     * {@link #rowParts} cut each running every step of its rows: step {@code s}'s hidden
     * products {@code h_s·W_hhᵀ} (one single-threaded GEMM reading the time-major hidden states
     * {@code hs [T, N, H]} in place) and input projections, and the new hidden state stored for
     * the next step's GEMM and into the batch-first output. Each method touches rows
     * {@code [r0, r1)} only.
     */
    static final class ForwardRows {
        private final INDArray w;
        private final INDArray hs;
        private final INDArray gates;
        private final FloatBuffer xb;
        private final FloatBuffer hsb;
        private final FloatBuffer outb;
        private final FloatBuffer gb;
        private final int t;
        private final int n;
        private final int h;
        private final int gh;

        ForwardRows(INDArray xGates, INDArray w, INDArray hs, INDArray out, float[] h0) {
            this.w = w;
            this.hs = hs;
            n = (int) xGates.size(0);
            t = (int) xGates.size(1);
            gh = (int) xGates.size(2);
            h = (int) w.size(1);
            gates = scratch(GATES, (long) n * gh);
            xb = HostFloats.buffer(xGates);
            hsb = HostFloats.buffer(hs);
            outb = HostFloats.buffer(out);
            gb = HostFloats.buffer(gates);
            hsb.put(0, h0);
        }

        /** Step {@code s}'s rows of {@code h_s·W_hhᵀ} into {@code hidden} and of the input projections into {@code x} ({@code [N·G·H]} each). */
        void products(int s, int r0, int r1, float[] hidden, float[] x) {
            int m = r1 - r0;
            Blas.sgemmAtSerial(false, true, m, gh, h, 1f, hs, (long) (s * n + r0) * h, h, w, 0, h, 0f, gates,
                    (long) r0 * gh, gh);
            gb.get(r0 * gh, hidden, r0 * gh, m * gh);
            gather(xb, s, t, r0, r1, gh, x);
        }

        /** Rows of {@code hNew [N·H]}, the hidden state after step {@code s}: kept for the next step's GEMM, and output. */
        void store(int s, int r0, int r1, float[] hNew) {
            if (s + 1 < t) {
                hsb.put((s + 1) * n * h + r0 * h, hNew, r0 * h, (r1 - r0) * h);
            }
            scatter(hNew, outb, s, t, r0, r1, h);
        }
    }

    /**
     * The backward loop's bookkeeping both recurrent passes share, for the parts of a
     * {@link #rowParts} cut each running every step of its rows: the gradient reaching
     * {@code h_t} ({@link #dh}, {@code [N·H]}), every step's gate gradients in one time-major
     * {@code [T·N, G·H]} buffer ({@link #dG}, for the weight gradients after the loop), the
     * input projections' gradient ({@link Scatter}) and the recurrent product {@code dG_t·W_hh}.
     * Each method touches rows {@code [r0, r1)} only.
     */
    static final class BackwardRows {
        /** The gate gradients of every step, time-major {@code [T·N, G·H]} (a reused scratch buffer). */
        final INDArray dG;
        private final INDArray dhRec;
        private final FloatBuffer outb;
        private final FloatBuffer dgb;
        private final FloatBuffer dhb;
        private final float[] dh;
        private final float[] tmp;
        private final float[] joined;
        private final Scatter dx;
        private final int t;
        private final int n;
        private final int h;
        private final int gh;

        BackwardRows(INDArray dOut, INDArray dhLast, INDArray dxGates, double betaX, int t, int n, int h, int gates) {
            this.t = t;
            this.n = n;
            this.h = h;
            this.gh = gates * h;
            outb = HostFloats.buffer(readable(dOut));
            dG = scratch(GATE_GRADS, (long) t * n * gh);
            dhRec = scratch(HIDDEN_GRAD, (long) n * h);
            dgb = HostFloats.buffer(dG);
            dhb = HostFloats.buffer(dhRec);
            dh = dhLast == null ? new float[n * h] : HostFloats.read(dhLast);
            tmp = new float[n * h];
            joined = new float[n * gh];
            dx = new Scatter(dxGates, betaX, t, gh);
        }

        /** The gradient reaching h_s: the carried one plus step {@code s}'s rows of {@code dOut}. */
        float[] dh(int s, int r0, int r1) {
            gather(outb, s, t, r0, r1, h, tmp);
            GateMath.add(dh, tmp, r0 * h, r1 * h);
            return dh;
        }

        /** Step {@code s}'s gate gradients: the input side {@code xParts} into the projections' gradient, the hidden side into {@link #dG}. */
        void gates(int s, int r0, int r1, float[][] xParts, float[][] hParts) {
            join(xParts, r0, r1, h, joined);
            dx.step(s, joined, r0, r1);
            if (hParts != xParts) {
                join(hParts, r0, r1, h, joined);
            }
            dgb.put((s * n + r0) * gh, joined, r0 * gh, (r1 - r0) * gh);
        }

        /** The carried gradient becomes {@code dG_s·W_hh}, or gets it added when {@code add}. */
        void recurrent(int s, int r0, int r1, INDArray w, boolean add) {
            int m = r1 - r0;
            Blas.sgemmAtSerial(false, false, m, h, gh, 1f, dG, (long) (s * n + r0) * gh, gh, w, 0, h, 0f, dhRec,
                    (long) r0 * h, h);
            if (add) {
                dhb.get(r0 * h, tmp, r0 * h, m * h);
                GateMath.add(dh, tmp, r0 * h, r1 * h);
            } else {
                dhb.get(r0 * h, dh, r0 * h, m * h);
            }
        }

        /** The gradient reaching h_0 once the loop is done (the GRU's; an LSTM's comes from {@link #dG}). */
        float[] carried() {
            return dh;
        }

        /** After the loop: the projections' gradient completed (see {@link Scatter#finish}). */
        void finish() {
            dx.finish();
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
