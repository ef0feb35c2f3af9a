package io.jgrad.tensor.backend;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The recurrent layers as backend ops of the general form, for every element type and for the
 * {@code nd4j} backend: the input projections of all steps are one GEMM ({@link RecurrentInputs}),
 * then each time step is one hidden GEMM plus one fused cell
 * ({@link Ops#lstmCell}, {@link Ops#gruCell}) on arrays of its own, and the backward walks the
 * steps in reverse with the matching cell backward and GEMMs, accumulating the weight gradients
 * straight into their buffers and the input-side gate gradients into one {@code [N, T, G·H]}
 * array for {@link RecurrentInputs#backward}. The {@code cpu} backend's float32 form is
 * {@link CpuLstmPass}.
 */
final class Nd4jRecurrentPasses {
    private Nd4jRecurrentPasses() {
    }

    /** An LSTM layer, PyTorch's gate order i, f, g, o. */
    static final class Lstm implements RecurrentPass {
        private final Ops ops;
        private final Inputs in;
        private final INDArray w;
        private final INDArray out;
        private final INDArray[] act;
        private final INDArray[] hs;
        private final INDArray[] cs;

        Lstm(Ops ops, INDArray x, INDArray wIh, INDArray bIh, INDArray w, INDArray b, INDArray h0, INDArray c0) {
            this.ops = ops;
            this.w = w;
            in = new Inputs(ops, x, wIh, bIh, w.size(0));
            INDArray xg = in.xGates;
            long n = xg.size(0);
            int steps = (int) xg.size(1);
            long h = w.size(1);
            DataType type = xg.dataType();
            act = new INDArray[steps];
            hs = new INDArray[steps + 1];
            cs = new INDArray[steps + 1];
            hs[0] = dense(h0);
            cs[0] = dense(c0);
            out = ops.newArray(type, n, steps, h);
            for (int s = 0; s < steps; s++) {
                INDArray gates = ops.newArray(type, n, 4 * h).assign(step(xg, s));
                ops.addRowVector(gates, b);
                ops.gemm(hs[s], false, w, true, gates, 1, 1);
                hs[s + 1] = ops.newArray(type, n, h);
                cs[s + 1] = ops.newArray(type, n, h);
                ops.lstmCell(gates, cs[s], cs[s + 1], hs[s + 1]);
                act[s] = gates;
                step(out, s).assign(hs[s + 1]);
            }
        }

        @Override
        public INDArray output() {
            return out;
        }

        @Override
        public INDArray h() {
            return hs[hs.length - 1];
        }

        @Override
        public INDArray c() {
            return cs[cs.length - 1];
        }

        @Override
        public void backward(INDArray g, INDArray dhLast, INDArray dcLast, INDArray[] grads, double[] betas) {
            int steps = act.length;
            INDArray dh = step(g, steps - 1).dup('c');
            INDArray dc = ops.newArray(g.dataType(), cs[0].shape()).assign(0);
            if (dhLast != null) {
                dh.addi(dhLast);
            }
            if (dcLast != null) {
                dc.addi(dcLast);
            }
            WeightGrads wg = new WeightGrads(grads, betas);
            INDArray dxg = in.gradient(grads);
            for (int s = steps - 1; s >= 0; s--) {
                INDArray dGates = ops.newArray(g.dataType(), act[s].shape());
                ops.lstmCellBackward(act[s], cs[s], cs[s + 1], dh, dc, dGates);
                wg.add(ops, dGates, hs[s]);
                if (dxg != null) {
                    step(dxg, s).assign(dGates);
                }
                if (s > 0) {
                    dh = ops.gemm(dGates, false, w, false, step(g, s - 1).dup('c'), 1, 1);
                } else if (grads[H0] != null) {
                    ops.gemm(dGates, false, w, false, grads[H0], 1, betas[H0]);
                }
            }
            if (grads[C0] != null) {
                into(grads[C0], dc, betas[C0]);
            }
            in.backward(dxg, grads, betas);
        }
    }

    /** A GRU layer, PyTorch's gate order r, z, n. */
    static final class Gru implements RecurrentPass {
        private final Ops ops;
        private final Inputs in;
        private final INDArray w;
        private final INDArray out;
        private final INDArray[] act;
        private final INDArray[] ghs;
        private final INDArray[] hs;

        Gru(Ops ops, INDArray x, INDArray wIh, INDArray bIh, INDArray w, INDArray b, INDArray h0) {
            this.ops = ops;
            this.w = w;
            in = new Inputs(ops, x, wIh, bIh, w.size(0));
            INDArray xg = in.xGates;
            long n = xg.size(0);
            int steps = (int) xg.size(1);
            long h = w.size(1);
            DataType type = xg.dataType();
            act = new INDArray[steps];
            ghs = new INDArray[steps];
            hs = new INDArray[steps + 1];
            hs[0] = dense(h0);
            out = ops.newArray(type, n, steps, h);
            for (int s = 0; s < steps; s++) {
                INDArray gi = ops.newArray(type, n, 3 * h).assign(step(xg, s));
                INDArray gh = ops.gemm(hs[s], false, w, true, ops.newArray(type, n, 3 * h), 1, 0);
                ops.addRowVector(gh, b);
                hs[s + 1] = ops.newArray(type, n, h);
                ops.gruCell(gi, gh, hs[s], hs[s + 1]);
                act[s] = gi;
                ghs[s] = gh;
                step(out, s).assign(hs[s + 1]);
            }
        }

        @Override
        public INDArray output() {
            return out;
        }

        @Override
        public INDArray h() {
            return hs[hs.length - 1];
        }

        @Override
        public INDArray c() {
            return null;
        }

        @Override
        public void backward(INDArray g, INDArray dhLast, INDArray dcLast, INDArray[] grads, double[] betas) {
            int steps = act.length;
            DataType type = g.dataType();
            INDArray dh = step(g, steps - 1).dup('c');
            if (dhLast != null) {
                dh.addi(dhLast);
            }
            WeightGrads wg = new WeightGrads(grads, betas);
            INDArray dxg = in.gradient(grads);
            for (int s = steps - 1; s >= 0; s--) {
                INDArray dGi = ops.newArray(type, act[s].shape());
                INDArray dGh = ops.newArray(type, act[s].shape());
                INDArray prev = s > 0 ? step(g, s - 1).dup('c') : ops.newArray(type, hs[0].shape()).assign(0);
                ops.gruCellBackward(act[s], ghs[s], hs[s], dh, dGi, dGh, prev);
                ops.gemm(dGh, false, w, false, prev, 1, 1);
                wg.add(ops, dGh, hs[s]);
                if (dxg != null) {
                    step(dxg, s).assign(dGi);
                }
                dh = prev;
            }
            if (grads[H0] != null) {
                into(grads[H0], dh, betas[H0]);
            }
            in.backward(dxg, grads, betas);
        }
    }

    /**
     * The hidden weight's and bias's gradients summed over the steps into their buffers: the
     * first step written with the buffer's beta, the rest added ({@code dW += dGᵀ·h}, {@code db += Σ dG}).
     */
    private static final class WeightGrads {
        private final INDArray w;
        private final INDArray b;
        private double wBeta;
        private double bBeta;

        WeightGrads(INDArray[] grads, double[] betas) {
            w = grads[RecurrentPass.WEIGHT_HH];
            b = grads[RecurrentPass.BIAS_HH];
            wBeta = betas[RecurrentPass.WEIGHT_HH];
            bBeta = betas[RecurrentPass.BIAS_HH];
        }

        void add(Ops ops, INDArray dGates, INDArray hPrev) {
            if (w != null) {
                ops.gemm(dGates, true, hPrev, false, w, 1, wBeta);
                wBeta = 1;
            }
            if (b != null) {
                ops.columnSums(dGates, b, bBeta);
                bBeta = 1;
            }
        }
    }

    /** A layer's input side: its projections {@code [N, T, G·H]} of every step, and their gradient for {@link RecurrentInputs#backward}. */
    private static final class Inputs {
        private final Ops ops;
        private final INDArray x;
        private final INDArray wIh;
        final INDArray xGates;

        Inputs(Ops ops, INDArray x, INDArray wIh, INDArray bIh, long gh) {
            this.ops = ops;
            this.x = x;
            this.wIh = wIh;
            long n = x.size(0);
            long t = x.size(1);
            xGates = RecurrentInputs.project(ops, x, wIh, bIh, ops.newArray(x.dataType(), n * t, gh)).reshape(n, t, gh);
        }

        /** A new array for the input-side gate gradients of every step, or null when no input-side gradient is wanted. */
        INDArray gradient(INDArray[] grads) {
            boolean any = grads[RecurrentPass.X] != null || grads[RecurrentPass.WEIGHT_IH] != null
                    || grads[RecurrentPass.BIAS_IH] != null;
            return any ? ops.newArray(xGates.dataType(), xGates.shape()) : null;
        }

        void backward(INDArray dxg, INDArray[] grads, double[] betas) {
            if (dxg != null) {
                RecurrentInputs.backward(ops, RecurrentInputs.rows(dxg), x, wIh, grads, betas);
            }
        }
    }

    private static final int H0 = RecurrentPass.H0;
    private static final int C0 = RecurrentPass.C0;

    /** {@code dst = beta·dst + src} (beta 0 or 1, as the engine's buffers). */
    static void into(INDArray dst, INDArray src, double beta) {
        if (beta == 0) {
            dst.assign(src);
        } else if (beta == 1) {
            dst.addi(src);
        } else {
            dst.muli(beta).addi(src);
        }
    }

    /** Time step {@code s} of a batch-first {@code [N, T, F]} array, a view {@code [N, F]}. */
    private static INDArray step(INDArray a, int s) {
        return a.get(NDArrayIndex.all(), NDArrayIndex.point(s), NDArrayIndex.all());
    }

    private static INDArray dense(INDArray a) {
        return a.ordering() == 'c' && !a.isView() ? a : a.dup('c');
    }
}
