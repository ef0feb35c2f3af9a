package io.jgrad.tensor.backend;

import io.jgrad.tensor.Blas;
import io.jgrad.tensor.Kernels;
import io.jgrad.tensor.StepScope;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the {@code cpu} backend's recurrent layers ({@link CpuLstmPass}, {@link CpuGruPass})
 * share: the per-step data movement of the forward ({@link ForwardRows}) and backward
 * ({@link BackwardRows}) loops between batch-first {@code [N, T, F]} native arrays and heap
 * blocks, one per gate, {@code [N·H]} each (so that {@link GateMath}-style loops index every
 * array alike), and the hidden weight's gradients of all steps at once. Each per-step method
 * works on a range of batch rows with unsplit GEMMs: the layers cut their rows over the cores
 * once for the whole recurrence. Every whole-sequence buffer is batch-first, rows {@code (n, t)}
 * in x's order, so that one GEMM over all {@code N·T} rows pairs x, the hidden states and the
 * gate gradients.
 */
final class RecurrentRows {
    /** Slots of {@link #scratch}. */
    static final int PROJECTIONS = 0;
    static final int HIDDEN = 1;
    static final int GATE_GRADS = 2;
    static final int INPUT_GRADS = 3;
    static final int HIDDEN_GRAD = 4;
    static final int HIDDEN_WEIGHT_T = 5;
    private static final ThreadLocal<INDArray[]> SCRATCH = ThreadLocal.withInitial(() -> new INDArray[6]);

    private RecurrentRows() {
    }

    /**
     * A float32 native array of {@code shape} reused by the calling thread from call to call: the
     * temporaries that live only inside one forward or one backward. Fresh multi-megabyte
     * buffers cost their page faults every step (a quarter of W8's native time).
     */
    static INDArray scratch(int slot, long... shape) {
        INDArray[] s = SCRATCH.get();
        if (s[slot] == null || !java.util.Arrays.equals(s[slot].shape(), shape)) {
            s[slot] = org.nd4j.linalg.factory.Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
        }
        return s[slot];
    }

    /**
     * Whether the cpu form runs: float32 throughout, the hidden weight and bias row-major over
     * whole buffers (read in place; x and the states are copied or multiplied whatever their
     * layout), each whole-sequence buffer under 2^31 elements.
     */
    static boolean fits(INDArray x, INDArray wIh, INDArray bIh, INDArray wHh, INDArray bHh, INDArray... states) {
        for (INDArray a : new INDArray[] {x, wIh, bIh, wHh, bHh}) {
            if (a.dataType() != DataType.FLOAT) {
                return false;
            }
        }
        for (INDArray a : states) {
            if (a.dataType() != DataType.FLOAT) {
                return false;
            }
        }
        long rows = x.size(0) * x.size(1);
        return Dense.readableRowMajor(wHh) && Dense.readableRowMajor(bHh)
                && rows * Math.max(wHh.size(0), x.size(2)) < Integer.MAX_VALUE / 4;
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

    /**
     * Every row of the float32 scratch matrix {@code into [R, F]} set to {@code bias [F]}, rows cut
     * over the cores: where a layer's input projections start ({@link RecurrentInputs#projectOnto}).
     */
    static INDArray fillRows(INDArray into, float[] bias) {
        HostSpan b = Transfers.hostView(into);
        int width = bias.length;
        Parallel.forRange("recurrent bias rows", into.length() / width, 256, (r0, r1) -> {
            for (long r = r0; r < r1; r++) {
                b.put((int) r * width, bias);
            }
        });
        return into;
    }

    /**
     * The column sums of {@code rows} rows of {@code width} in each of {@code blocks} (gate block
     * {@code q}'s row {@code r} at {@code blocks[q][r·width]}), as one {@code [blocks·width]} array.
     */
    static float[] rowSums(float[][] blocks, int rows, int width) {
        float[] out = new float[blocks.length * width];
        for (int q = 0; q < blocks.length; q++) {
            for (int r = 0; r < rows; r++) {
                for (int k = 0; k < width; k++) {
                    out[q * width + k] += blocks[q][r * width + k];
                }
            }
        }
        return out;
    }

    /** {@code src [n·width]} into step {@code s} of the batch-first {@code [n, t, width]} buffer {@code dst}. */
    static void scatter(float[] src, HostSpan dst, int s, int t, int n, int width) {
        for (int r = 0; r < n; r++) {
            dst.put((r * t + s) * width, src, r * width, width);
        }
    }

    /** {@code dst = beta·dst + src}, {@code src} on the heap. */
    static void write(INDArray dst, double beta, float[] src) {
        if (beta == 0 && Dense.float32(dst)) {
            Transfers.hostView(dst).put(0, src);
        } else {
            Nd4jRecurrentPasses.into(dst, of(src, dst.shape()), beta);
        }
    }

    /**
     * The forward loop's data movement both recurrent passes share: step {@code s}'s hidden
     * products {@code h_s·W_hhᵀ} (one GEMM per part of the rows, reading the hidden states
     * {@code hs [N, T, H]} in place) and input projections (the rows of {@code proj [N·T, G·H]}),
     * and the new hidden state stored for the next step's GEMM and into the output
     * {@code [N, T, H]}. Built for one of two uses, each with only the buffers it reads:
     * {@link #summing} (an LSTM: {@link #gates}, the products added onto the projections in place,
     * cut into column blocks by way of {@code W_hhᵀ}) or {@link #apart} (a GRU: {@link #products},
     * the products into a buffer of their own, for its n gate).
     */
    static final class ForwardRows {
        private final INDArray w;
        /** {@code W_hhᵀ [H, G·H]} when {@link #gates}' products are cut into blocks ({@link StepGemm}), else null. */
        private final INDArray wt;
        private final INDArray hs;
        private final INDArray proj;
        /** {@link #products}' hidden products {@code [N, G·H]} ({@link #apart} only, else null). */
        private final INDArray hidden;
        private final HostSpan pb;
        private final HostSpan hsb;
        private final HostSpan outb;
        private final HostSpan hb;
        private final int t;
        private final int n;
        private final int h;
        private final int gh;

        private ForwardRows(INDArray proj, INDArray w, INDArray hs, INDArray out, float[] h0, boolean summing) {
            this.w = w;
            this.hs = hs;
            this.proj = proj;
            n = (int) hs.size(0);
            t = (int) hs.size(1);
            h = (int) hs.size(2);
            gh = (int) w.size(0);
            hidden = summing ? null : scratch(HIDDEN, n, gh);
            wt = summing && StepGemm.width(Math.min(n, StepGemm.MAX_ROWS), gh, h) < gh
                    ? scratch(HIDDEN_WEIGHT_T, h, gh).assign(w.transpose()) : null;
            pb = Transfers.hostView(proj);
            hsb = Transfers.hostView(hs);
            outb = Transfers.hostView(out);
            hb = hidden == null ? null : Transfers.hostView(hidden);
            scatter(h0, hsb, 0, t, n, h);
        }

        /** For {@link #gates}: step products summed onto {@code proj}, via {@code W_hhᵀ} if {@link StepGemm} cuts. */
        static ForwardRows summing(INDArray proj, INDArray w, INDArray hs, INDArray out, float[] h0) {
            return new ForwardRows(proj, w, hs, out, h0, true);
        }

        /** For {@link #products}: step products apart from {@code proj}, in a buffer of their own. */
        static ForwardRows apart(INDArray proj, INDArray w, INDArray hs, INDArray out, float[] h0) {
            return new ForwardRows(proj, w, hs, out, h0, false);
        }

        /**
         * Batch rows {@code [r0, r1)} of step {@code s}'s pre-activations {@code proj_s + h_s·W_hhᵀ},
         * summed in place by one unsplit GEMM, or one per column block ({@link StepGemm}; the caller
         * cuts the rows over the cores), gate block {@code q} of row {@code r} copied straight into
         * {@code parts[q]} at {@code (r − base)·H}. Built {@link #summing}.
         */
        void gates(int s, int r0, int r1, int base, float[][] parts) {
            long row = (long) r0 * t + s;
            int width = wt == null ? gh : StepGemm.width(r1 - r0, gh, h);
            if (width < gh) {
                StepGemm.multiply(r1 - r0, gh, h, hs, row * h, t * h, wt, 0, gh, 1f, proj, row * gh, t * gh, width);
            } else {
                Blas.sgemmAtSerial(false, true, r1 - r0, gh, h, 1f, hs, row * h, t * h, w, 0, h, 1f, proj, row * gh, t * gh);
            }
            for (int r = r0; r < r1; r++) {
                int at = (r * t + s) * gh;
                for (int q = 0; q < parts.length; q++) {
                    pb.get(at + q * h, parts[q], (r - base) * h, h);
                }
            }
        }

        /**
         * Batch rows {@code [r0, r1)} of step {@code s}'s hidden products {@code h_s·W_hhᵀ} (one unsplit
         * GEMM) and input projections, apart, gate block {@code q} of row {@code r} into
         * {@code hid[q]} and {@code x[q]} at {@code r·H}. Built {@link #apart}.
         */
        void products(int s, int r0, int r1, float[][] hid, float[][] x) {
            Blas.sgemmAtSerial(false, true, r1 - r0, gh, h, 1f, hs, ((long) r0 * t + s) * h, t * h, w, 0, h, 0f, hidden,
                    (long) r0 * gh, gh);
            for (int r = r0; r < r1; r++) {
                int at = (r * t + s) * gh;
                for (int q = 0; q < hid.length; q++) {
                    hb.get(r * gh + q * h, hid[q], r * h, h);
                    pb.get(at + q * h, x[q], r * h, h);
                }
            }
        }

        /**
         * Batch rows {@code [r0, r1)} of the hidden state after step {@code s}, row {@code r} at
         * {@code (r − base)·H} of {@code hNew}: kept for the next step's GEMM, and output.
         */
        void store(int s, int r0, int r1, int base, float[] hNew) {
            for (int r = r0; r < r1; r++) {
                if (s + 1 < t) {
                    hsb.put((r * t + s + 1) * h, hNew, (r - base) * h, h);
                }
                outb.put((r * t + s) * h, hNew, (r - base) * h, h);
            }
        }
    }

    /**
     * The backward loop's bookkeeping both recurrent passes share: the gradient reaching
     * {@code h_t} ({@link #dh}, {@code [N·H]}), every step's gate gradients in batch-first
     * {@code [N·T, G·H]} buffers, the hidden side ({@link #dG}, for the hidden weight's gradients)
     * and, where it differs (a GRU's n gate), the input side ({@link #dGi}, for
     * {@link RecurrentInputs#backward}), and the recurrent product {@code dG_t·W_hh}.
     */
    static final class BackwardRows {
        /** The hidden-side gate gradients of every step (a reused scratch buffer). */
        final INDArray dG;
        /** The input-side gate gradients: {@link #dG} itself unless built with {@code apart}. */
        final INDArray dGi;
        private final INDArray dhRec;
        private final HostSpan outb;
        private final HostSpan dgb;
        private final HostSpan dgib;
        private final HostSpan dhb;
        private final float[] dh;
        private final int t;
        private final int n;
        private final int h;
        private final int gh;

        BackwardRows(INDArray dOut, INDArray dhLast, int t, int n, int h, int gates, boolean apart) {
            this.t = t;
            this.n = n;
            this.h = h;
            this.gh = gates * h;
            outb = Transfers.hostView(readable(dOut));
            dG = scratch(GATE_GRADS, (long) n * t, gh);
            dGi = apart ? scratch(INPUT_GRADS, (long) n * t, gh) : dG;
            dhRec = scratch(HIDDEN_GRAD, n, h);
            dgb = Transfers.hostView(dG);
            dgib = Transfers.hostView(dGi);
            dhb = Transfers.hostView(dhRec);
            dh = dhLast == null ? new float[n * h] : HostFloats.read(dhLast);
        }

        /**
         * Batch rows {@code [r0, r1)} of the gradient reaching h_s: the carried one in {@code dh} plus
         * step {@code s}'s rows of {@code dOut}, row {@code r} at {@code (r − base)·H} of {@code dh}
         * and of {@code tmp} (as large, scratch).
         */
        void dh(int s, int r0, int r1, int base, float[] dh, float[] tmp) {
            for (int r = r0; r < r1; r++) {
                outb.get((r * t + s) * h, tmp, (r - base) * h, h);
            }
            GateMath.add(dh, tmp, (r0 - base) * h, (r1 - base) * h);
        }

        /**
         * Batch rows {@code [r0, r1)} of step {@code s}'s gate gradients, the input side {@code xParts} and
         * the hidden side {@code hParts} (the same arrays for an LSTM), gate {@code q} of row {@code r}
         * taken from {@code parts[q]} at {@code (r − base)·H}.
         */
        void gates(int s, int r0, int r1, int base, float[][] xParts, float[][] hParts) {
            for (int r = r0; r < r1; r++) {
                int at = (r * t + s) * gh;
                int from = (r - base) * h;
                for (int q = 0; q < hParts.length; q++) {
                    dgb.put(at + q * h, hParts[q], from, h);
                    if (hParts != xParts) {
                        dgib.put(at + q * h, xParts[q], from, h);
                    }
                }
            }
        }

        /**
         * Batch rows {@code [r0, r1)} of the carried gradient {@code dh} (row {@code r} at
         * {@code (r − base)·H}) become {@code dG_s·W_hh} (unsplit GEMMs, {@link StepGemm}), or get it added when
         * {@code add} ({@code tmp} as large, scratch).
         */
        void recurrent(int s, int r0, int r1, int base, INDArray w, boolean add, float[] dh, float[] tmp) {
            StepGemm.multiply(r1 - r0, h, gh, dG, ((long) r0 * t + s) * gh, t * gh, w, 0, h, 0f, dhRec, (long) r0 * h, h,
                    StepGemm.width(r1 - r0, h, gh));
            int from = (r0 - base) * h;
            int len = (r1 - r0) * h;
            if (add) {
                dhb.get(r0 * h, tmp, from, len);
                GateMath.add(dh, tmp, from, from + len);
            } else {
                dhb.get(r0 * h, dh, from, len);
            }
        }

        /**
         * The gradient reaching h_T ({@code dhLast}, zeros without one), {@code [N·H]}: where the
         * loops start; a pass that carries the gradient in this very array (base 0) finds the one
         * reaching h_0 here after its loop.
         */
        float[] carried() {
            return dh;
        }

        /**
         * After the loop: the hidden weight's and bias's gradients of all steps at once,
         * {@code dW_hh = dGᵀ·hs} (ONE GEMM over the {@code N·T} rows of {@code dG} and of the
         * hidden states each step started from, {@code hs [N, T, H]}) and {@code db_hh = Σ dG},
         * into {@code grads[WEIGHT_HH]}, {@code grads[BIAS_HH]} with their betas (skipped when null).
         */
        void weightGrads(INDArray[] grads, double[] betas, INDArray hs) {
            weightGrads(grads, betas, hs, null);
        }

        /**
         * {@link #weightGrads(INDArray[], double[], INDArray)} with the bias gradient's sums over all
         * rows already taken ({@code biasSums [G·H]}, by the loop while the gate gradients were at
         * hand), or, when null, taken here from {@link #dG}.
         */
        void weightGrads(INDArray[] grads, double[] betas, INDArray hs, float[] biasSums) {
            int rows = n * t;
            INDArray dw = grads[RecurrentPass.WEIGHT_HH];
            if (dw != null) {
                if (Dense.float32(dw)) {
                    Blas.sgemmAt(true, false, gh, h, rows, 1f, dG, 0, gh, hs, 0, h, (float) betas[RecurrentPass.WEIGHT_HH],
                            dw, 0, h);
                } else {
                    INDArray tmpW = floats(gh, h);
                    Blas.sgemmAt(true, false, gh, h, rows, 1f, dG, 0, gh, hs, 0, h, 0f, tmpW, 0, h);
                    Nd4jRecurrentPasses.into(dw, tmpW, betas[RecurrentPass.WEIGHT_HH]);
                }
            }
            INDArray db = grads[RecurrentPass.BIAS_HH];
            if (db != null && biasSums != null) {
                write(db, betas[RecurrentPass.BIAS_HH], biasSums);
            } else if (db != null) {
                Kernels.columnSums(dG, db, betas[RecurrentPass.BIAS_HH]);
            }
        }
    }
}
