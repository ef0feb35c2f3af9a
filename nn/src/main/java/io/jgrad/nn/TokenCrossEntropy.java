package io.jgrad.nn;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.DType;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.Checks;
import io.jgrad.tensor.backend.LossPass;
import io.jgrad.tensor.backend.Ops;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Cross entropy over INT64 class indices of any leading shape (one per token of a sequence
 * batch), with PyTorch's {@code ignore_index}: the shape checks, then one fused graph node whose
 * forward and backward are the backend's {@link Ops#crossEntropy} pass over the logits viewed
 * as {@code [n, C]}. {@link Losses#crossEntropy(Variable, Tensor, long)} is its public face.
 */
final class TokenCrossEntropy {
    /** PyTorch's default {@code ignore_index}. */
    static final long DEFAULT_IGNORE_INDEX = -100;

    private TokenCrossEntropy() {
    }

    static Variable of(Variable logits, Tensor targets, long ignoreIndex) {
        String op = "crossEntropy";
        if (logits == null || targets == null) {
            throw new IllegalArgumentException(op + ": " + (logits == null ? "logits" : "targets") + " is null");
        }
        DType.checkFloating(op + " (logits)", logits.value().dtype());
        if (targets.dtype() != DType.INT64) {
            throw new IllegalArgumentException(op + ": targets must be INT64 class indices, got " + targets.dtype()
                    + Shapes.str(targets.shape()) + "; build them with Tensor.ofLongs or convert with to(DType.INT64)");
        }
        long[] shape = logits.shape();
        if (shape.length == 0) {
            throw new IllegalArgumentException(op + ": logits must be [..., classes], got a scalar");
        }
        long[] lead = Arrays.copyOf(shape, shape.length - 1);
        if (!Arrays.equals(lead, targets.shape())) {
            throw new IllegalArgumentException(op + ": logits " + Shapes.str(shape) + " need targets of shape "
                    + Shapes.str(lead) + " (one class index per row of classes), got " + Shapes.str(targets.shape()));
        }
        long c = shape[shape.length - 1];
        long n = Shapes.size(lead);
        if (n == 0 || c == 0) {
            throw new IllegalArgumentException(op + ": empty input, logits shape " + Shapes.str(shape));
        }
        INDArray rows = logits.value().array().reshape('c', new long[] {n, c});
        Checks.targets(op, rows, targets, ignoreIndex);     // no transfer for a batch from Tensor.ofLongs
        LossPass pass = Ops.get().crossEntropy(rows, targets.array(), ignoreIndex);
        return Variable.fromOp(op, pass.value(), g -> new INDArray[] {pass.backward(g)[0].reshape('c', shape)}, logits);
    }
}
