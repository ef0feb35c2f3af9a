package io.jgrad.autograd;

import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.backend.Ops;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The recurrent op family: one LSTM or GRU layer's recurrence over a whole sequence as ONE graph
 * node. The input projections of every step arrive already computed by one GEMM (the caller's
 * {@code linear} over {@code [N·T, in]}); each time step is then one hidden GEMM plus one fused
 * backend cell ({@link Ops#lstmCell}, {@link Ops#gruCell}), and the backward walks the steps in
 * reverse with the matching fused cell backward and GEMMs, accumulating the weight gradients
 * straight into their buffers. The final state leaves through small side nodes whose gradient
 * the recurrence's backward picks up, so a graph holds a handful of nodes per layer whatever T.
 */
final class RecurrentOps {
    private RecurrentOps() {
    }

    /** Gradients reaching a layer's final state, handed from its side nodes to its backward. */
    private static final class Carry {
        INDArray dh;
        INDArray dc;
    }

    static Functional.LstmResult lstm(Variable xGates, Variable wHh, Variable bHh, Variable h0, Variable c0) {
        long[] d = check("lstm", 4, xGates, wHh, bHh, h0, c0);
        long n = d[0];
        int steps = (int) d[1];
        long h = d[2];
        Ops ops = Ops.get();
        INDArray xg = xGates.value().array();
        INDArray w = wHh.value().array();
        INDArray b = bHh.value().array();
        DataType type = xg.dataType();
        INDArray[] act = new INDArray[steps];
        INDArray[] hs = new INDArray[steps + 1];
        INDArray[] cs = new INDArray[steps + 1];
        hs[0] = dense(h0.value().array());
        cs[0] = dense(c0.value().array());
        INDArray out = ops.newArray(type, n, steps, h);
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
        Carry carry = new Carry();
        Variable output = Variable.fromAccumulatingOp("lstm", out, (g, sink) -> {
            INDArray dh = step(g, steps - 1).dup('c');
            INDArray dc = ops.newArray(type, n, h).assign(0);
            if (carry.dh != null) {
                dh.addi(carry.dh);
            }
            if (carry.dc != null) {
                dc.addi(carry.dc);
            }
            carry.dh = null;
            carry.dc = null;
            WeightGrads wg = new WeightGrads(sink, 1, 2);
            GradSink.Target tx = sink.requires(0) ? sink.target(0) : null;
            for (int s = steps - 1; s >= 0; s--) {
                INDArray dGates = ops.newArray(type, n, 4 * h);
                ops.lstmCellBackward(act[s], cs[s], cs[s + 1], dh, dc, dGates);
                wg.add(ops, dGates, hs[s]);
                if (tx != null) {
                    into(step(tx.array(), s), dGates, tx.beta());
                }
                if (s > 0) {
                    dh = ops.gemm(dGates, false, w, false, step(g, s - 1).dup('c'), 1, 1);
                } else if (sink.requires(3)) {
                    GradSink.Target t = sink.target(3);
                    ops.gemm(dGates, false, w, false, t.array(), 1, t.beta());
                }
            }
            if (sink.requires(4)) {
                GradSink.Target t = sink.target(4);
                into(t.array(), dc, t.beta());
            }
        }, inputs(xGates, wHh, bHh, h0, c0));
        Variable hLast = side("lstm_h", output, hs[steps], dg -> carry.dh = dg);
        Variable cLast = side("lstm_c", output, cs[steps], dg -> carry.dc = dg);
        return new Functional.LstmResult(output, hLast, cLast);
    }

    static Functional.GruResult gru(Variable xGates, Variable wHh, Variable bHh, Variable h0) {
        long[] d = check("gru", 3, xGates, wHh, bHh, h0, null);
        long n = d[0];
        int steps = (int) d[1];
        long h = d[2];
        Ops ops = Ops.get();
        INDArray xg = xGates.value().array();
        INDArray w = wHh.value().array();
        INDArray b = bHh.value().array();
        DataType type = xg.dataType();
        INDArray[] act = new INDArray[steps];
        INDArray[] ghs = new INDArray[steps];
        INDArray[] hs = new INDArray[steps + 1];
        hs[0] = dense(h0.value().array());
        INDArray out = ops.newArray(type, n, steps, h);
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
        Carry carry = new Carry();
        Variable output = Variable.fromAccumulatingOp("gru", out, (g, sink) -> {
            INDArray dh = step(g, steps - 1).dup('c');
            if (carry.dh != null) {
                dh.addi(carry.dh);
            }
            carry.dh = null;
            WeightGrads wg = new WeightGrads(sink, 1, 2);
            GradSink.Target tx = sink.requires(0) ? sink.target(0) : null;
            for (int s = steps - 1; s >= 0; s--) {
                INDArray dGi = ops.newArray(type, n, 3 * h);
                INDArray dGh = ops.newArray(type, n, 3 * h);
                INDArray prev = s > 0 ? step(g, s - 1).dup('c') : ops.newArray(type, n, h).assign(0);
                ops.gruCellBackward(act[s], ghs[s], hs[s], dh, dGi, dGh, prev);
                ops.gemm(dGh, false, w, false, prev, 1, 1);
                wg.add(ops, dGh, hs[s]);
                if (tx != null) {
                    into(step(tx.array(), s), dGi, tx.beta());
                }
                dh = prev;
            }
            if (sink.requires(3)) {
                GradSink.Target t = sink.target(3);
                into(t.array(), dh, t.beta());
            }
        }, inputs(xGates, wHh, bHh, h0, null));
        Variable hLast = side("gru_h", output, hs[steps], dg -> carry.dh = dg);
        return new Functional.GruResult(output, hLast);
    }

    /**
     * The hidden weight's and bias's gradients summed over the steps into their engine buffers:
     * the first step written with the buffer's beta, the rest added ({@code dW += dGᵀ·h}, {@code db += Σ dG}).
     */
    private static final class WeightGrads {
        private final GradSink.Target w;
        private final GradSink.Target b;
        private double wBeta;
        private double bBeta;

        WeightGrads(GradSink sink, int wIndex, int bIndex) {
            this.w = sink.requires(wIndex) ? sink.target(wIndex) : null;
            this.b = sink.requires(bIndex) ? sink.target(bIndex) : null;
            this.wBeta = w == null ? 0 : w.beta();
            this.bBeta = b == null ? 0 : b.beta();
        }

        void add(Ops ops, INDArray dGates, INDArray hPrev) {
            if (w != null) {
                ops.gemm(dGates, true, hPrev, false, w.array(), 1, wBeta);
                wBeta = 1;
            }
            if (b != null) {
                ops.columnSums(dGates, b.array(), bBeta);
                bBeta = 1;
            }
        }
    }

    /** A side node carrying {@code value} (a final state) whose gradient goes to {@code carry}. */
    private static Variable side(String op, Variable main, INDArray value, java.util.function.Consumer<INDArray> carry) {
        return Variable.fromAccumulatingOp(op, value, (g, sink) -> {
            carry.accept(g.dup('c'));
            GradSink.Target t = sink.target(0);
            if (t.overwrite()) {
                t.array().assign(0);
            }
        }, main);
    }

    /** {@code dst = beta·dst + src}. */
    private static void into(INDArray dst, INDArray src, double beta) {
        if (beta == 0) {
            dst.assign(src);
        } else {
            dst.addi(src);
        }
    }

    /** Time step {@code s} of a batch-first {@code [N, T, F]} array, a view {@code [N, F]}. */
    private static INDArray step(INDArray a, int s) {
        return a.get(NDArrayIndex.all(), NDArrayIndex.point(s), NDArrayIndex.all());
    }

    private static INDArray dense(INDArray a) {
        return a.ordering() == 'c' && !a.isView() ? a : a.dup('c');
    }

    private static Variable[] inputs(Variable xGates, Variable wHh, Variable bHh, Variable h0, Variable c0) {
        return c0 == null ? new Variable[] {xGates, wHh, bHh, h0} : new Variable[] {xGates, wHh, bHh, h0, c0};
    }

    /**
     * Checks {@code xGates [N, T, gates·H]}, {@code wHh [gates·H, H]}, {@code bHh [gates·H]},
     * {@code h0}, {@code c0 [N, H]} (c0 null for a GRU) and one element type; returns {N, T, H}.
     */
    private static long[] check(String op, int gates, Variable xGates, Variable wHh, Variable bHh, Variable h0,
                                Variable c0) {
        if (xGates == null || wHh == null || bHh == null || h0 == null || c0 == null && gates == 4) {
            throw new IllegalArgumentException(op + ": every input must be given (null found)");
        }
        long[] x = xGates.shape();
        long[] w = wHh.shape();
        long h = w.length == 2 ? w[1] : -1;
        boolean ok = x.length == 3 && w.length == 2 && w[0] == gates * h && x[2] == gates * h && x[1] > 0
                && bHh.shape().length == 1 && bHh.shape()[0] == gates * h
                && h0.shape().length == 2 && h0.shape()[0] == x[0] && h0.shape()[1] == h
                && (c0 == null || c0.shape().length == 2 && c0.shape()[0] == x[0] && c0.shape()[1] == h);
        if (!ok) {
            throw new IllegalArgumentException(op + ": input projections " + Shapes.str(x) + ", weight_hh " + Shapes.str(w)
                    + ", bias_hh " + Shapes.str(bHh.shape()) + ", h0 " + Shapes.str(h0.shape())
                    + (c0 == null ? "" : ", c0 " + Shapes.str(c0.shape())) + " do not fit [N, T, " + gates + "H], ["
                    + gates + "H, H], [" + gates + "H], [N, H] (T >= 1)");
        }
        for (Variable v : new Variable[] {wHh, bHh, h0, c0}) {
            if (v != null) {
                ElementwiseOps.checkSameType(op, xGates, v);
            }
        }
        return new long[] {x[0], x[1], h};
    }
}
