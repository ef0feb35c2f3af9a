package io.jgrad.autograd;

import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.backend.Ops;
import io.jgrad.tensor.backend.RecurrentPass;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The recurrent op family: one LSTM or GRU layer's recurrence over a whole sequence as ONE graph
 * node. The input projections of every step arrive already computed by one GEMM (the caller's
 * {@code linear} over {@code [N·T, in]}); the backend runs the whole recurrence, forward and
 * backward, as one op ({@link Ops#lstmLayer}, {@link Ops#gruLayer}). The final state leaves through small side nodes whose gradient
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
        check("lstm", 4, xGates, wHh, bHh, h0, c0);
        RecurrentPass pass = Ops.get().lstmLayer(xGates.value().array(), wHh.value().array(), bHh.value().array(),
                h0.value().array(), c0.value().array());
        Carry carry = new Carry();
        Variable output = node("lstm", pass, carry, inputs(xGates, wHh, bHh, h0, c0));
        Variable hLast = side("lstm_h", output, pass.h(), dg -> carry.dh = dg);
        Variable cLast = side("lstm_c", output, pass.c(), dg -> carry.dc = dg);
        return new Functional.LstmResult(output, hLast, cLast);
    }

    static Functional.GruResult gru(Variable xGates, Variable wHh, Variable bHh, Variable h0) {
        check("gru", 3, xGates, wHh, bHh, h0, null);
        RecurrentPass pass = Ops.get().gruLayer(xGates.value().array(), wHh.value().array(), bHh.value().array(),
                h0.value().array());
        Carry carry = new Carry();
        Variable output = node("gru", pass, carry, inputs(xGates, wHh, bHh, h0, null));
        Variable hLast = side("gru_h", output, pass.h(), dg -> carry.dh = dg);
        return new Functional.GruResult(output, hLast);
    }

    /** The layer's one node: its backward hands the pass the engine's buffers and what the side nodes carried. */
    private static Variable node(String op, RecurrentPass pass, Carry carry, Variable[] in) {
        return Variable.fromAccumulatingOp(op, pass.output(), (g, sink) -> {
            INDArray[] grads = new INDArray[in.length];
            double[] betas = new double[in.length];
            for (int k = 0; k < in.length; k++) {
                if (sink.requires(k)) {
                    GradSink.Target t = sink.target(k);
                    grads[k] = t.array();
                    betas[k] = t.beta();
                }
            }
            INDArray dh = carry.dh;
            INDArray dc = carry.dc;
            carry.dh = null;
            carry.dc = null;
            pass.backward(g, dh, dc, grads, betas);
        }, in);
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
