package io.jgrad.autograd;

import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.backend.Ops;
import io.jgrad.tensor.backend.RecurrentPass;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The recurrent op family: one LSTM or GRU layer over a whole sequence as ONE graph node. The
 * backend runs the whole layer, forward and backward, as one op ({@link Ops#lstmLayer},
 * {@link Ops#gruLayer}): the input projections of all steps as one GEMM, the recurrence, and
 * the input, weight and bias gradients of all steps as one GEMM or column sum each, written
 * straight into the engine's buffers. The final state leaves through small side nodes whose
 * gradient the layer's backward picks up, so a graph holds a handful of nodes per layer
 * whatever T.
 */
final class RecurrentOps {
    private RecurrentOps() {
    }

    /** Gradients reaching a layer's final state, handed from its side nodes to its backward. */
    private static final class Carry {
        INDArray dh;
        INDArray dc;
    }

    static Functional.LstmResult lstm(Variable x, Variable wIh, Variable bIh, Variable wHh, Variable bHh, Variable h0,
                                      Variable c0) {
        Variable[] in = {x, wIh, bIh, wHh, bHh, h0, c0};
        check("lstm", 4, in);
        RecurrentPass pass = Ops.get().lstmLayer(array(x), array(wIh), array(bIh), array(wHh), array(bHh), array(h0),
                array(c0));
        Carry carry = new Carry();
        Variable output = node("lstm", pass, carry, in);
        Variable hLast = side("lstm_h", output, pass.h(), dg -> carry.dh = dg);
        Variable cLast = side("lstm_c", output, pass.c(), dg -> carry.dc = dg);
        return new Functional.LstmResult(output, hLast, cLast);
    }

    static Functional.GruResult gru(Variable x, Variable wIh, Variable bIh, Variable wHh, Variable bHh, Variable h0) {
        Variable[] in = {x, wIh, bIh, wHh, bHh, h0};
        check("gru", 3, in);
        RecurrentPass pass = Ops.get().gruLayer(array(x), array(wIh), array(bIh), array(wHh), array(bHh), array(h0));
        Carry carry = new Carry();
        Variable output = node("gru", pass, carry, in);
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
            if (!sink.graphRetained()) {
                pass.release();
            }
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

    private static INDArray array(Variable v) {
        return v.value().array();
    }

    /**
     * Checks {@code in = {x [N, T, I], W_ih [G·H, I], b_ih [G·H], W_hh [G·H, H], b_hh [G·H], h0 [N, H]}}
     * and, for an LSTM ({@code gates} 4), {@code c0 [N, H]}, and one element type.
     */
    private static void check(String op, int gates, Variable[] in) {
        for (Variable v : in) {
            if (v == null) {
                throw new IllegalArgumentException(op + ": every input must be given (null found)");
            }
        }
        long[] x = in[0].shape();
        long[] wih = in[1].shape();
        long[] whh = in[3].shape();
        long h = whh.length == 2 ? whh[1] : -1;
        long gh = gates * h;
        boolean ok = x.length == 3 && x[0] > 0 && x[1] > 0 && wih.length == 2 && wih[0] == gh && wih[1] == x[2]
                && whh.length == 2 && whh[0] == gh && vector(in[2], gh) && vector(in[4], gh);
        for (int k = 5; k < in.length; k++) {
            long[] s = in[k].shape();
            ok &= s.length == 2 && s[0] == x[0] && s[1] == h;
        }
        if (!ok) {
            StringBuilder got = new StringBuilder();
            String[] names = {"x", "weight_ih", "bias_ih", "weight_hh", "bias_hh", "h0", "c0"};
            for (int k = 0; k < in.length; k++) {
                got.append(k == 0 ? "" : ", ").append(names[k]).append(' ').append(Shapes.str(in[k].shape()));
            }
            throw new IllegalArgumentException(op + ": " + got + " do not fit [N, T, I], [" + gates + "H, I], [" + gates
                    + "H], [" + gates + "H, H], [" + gates + "H], [N, H] (N, T >= 1)");
        }
        for (int k = 1; k < in.length; k++) {
            ElementwiseOps.checkSameType(op, in[0], in[k]);
        }
    }

    private static boolean vector(Variable v, long length) {
        long[] s = v.shape();
        return s.length == 1 && s[0] == length;
    }
}
