package io.jgrad.tensor.backend;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The input side of a recurrent layer, which no step depends on: the projections
 * {@code x·W_ihᵀ + b_ih} of all steps as ONE GEMM before the recurrence and, after its
 * backward, from the input-side gate gradients of all steps {@code dGi [N·T, G·H]} (rows in
 * x's batch-first order), {@code dX = dGi·W_ih}, {@code dW_ih = dGiᵀ·x} and
 * {@code db_ih = Σ dGi}: one GEMM or column sum each, straight into the engine's gradient
 * buffers. Through {@link Ops}, so both backends' layers share it.
 */
final class RecurrentInputs {
    private RecurrentInputs() {
    }

    /** {@code x [N, T, I]} as the matrix {@code [N·T, I]} of its rows. */
    static INDArray rows(INDArray x) {
        return x.reshape('c', x.size(0) * x.size(1), x.size(2));
    }

    /**
     * The dense {@code [N, T, F]} array {@code a} as the matrix {@code [N·T, F]} over the same
     * buffer, and not a view: a reshape is one, and a GEMM into a view takes ND4J's slow path
     * (6% of W8's step, for the second layer's input gradient).
     */
    private static INDArray matrixOver(INDArray a) {
        return Nd4j.create(a.data(), new long[] {a.size(0) * a.size(1), a.size(2)});
    }

    /** {@code x·W_ihᵀ + b_ih} of every step into {@code into [N·T, G·H]}; returns it. */
    static INDArray project(Ops ops, INDArray x, INDArray wIh, INDArray bIh, INDArray into) {
        ops.gemm(rows(x), false, wIh, true, into, 1, 0);
        return ops.addRowVector(into, bIh);
    }

    /**
     * {@code x·W_ihᵀ} of every step added by one GEMM (β = 1) to {@code into [N·T, G·H]}, which
     * holds the biases already ({@link RecurrentRows#fillRows}): PyTorch's {@code addmm} order
     * (bias first), and no zero-fill of {@code into} nor a second pass for the bias. Returns it.
     */
    static INDArray projectOnto(Ops ops, INDArray x, INDArray wIh, INDArray into) {
        return ops.gemm(rows(x), false, wIh, true, into, 1, 1);
    }

    /**
     * The gradients of {@code x}, {@code W_ih}, {@code b_ih} ({@code grads[X]},
     * {@code grads[WEIGHT_IH]}, {@code grads[BIAS_IH]}, each skipped when null) from the
     * input-side gate gradients {@code dGi [N·T, G·H]}.
     */
    static void backward(Ops ops, INDArray dGi, INDArray x, INDArray wIh, INDArray[] grads, double[] betas) {
        INDArray dx = grads[RecurrentPass.X];
        if (dx != null) {
            if (Dense.rowMajor(dx)) {       // the GEMM writes the engine's buffer itself
                ops.gemm(dGi, false, wIh, false, matrixOver(dx), 1, betas[RecurrentPass.X]);
            } else {
                Nd4jRecurrentPasses.into(dx, ops.gemm(dGi, false, wIh, false).reshape(dx.shape()), betas[RecurrentPass.X]);
            }
        }
        if (grads[RecurrentPass.WEIGHT_IH] != null) {
            ops.gemm(dGi, true, rows(x), false, grads[RecurrentPass.WEIGHT_IH], 1, betas[RecurrentPass.WEIGHT_IH]);
        }
        if (grads[RecurrentPass.BIAS_IH] != null) {
            ops.columnSums(dGi, grads[RecurrentPass.BIAS_IH], betas[RecurrentPass.BIAS_IH]);
        }
    }
}
