package io.jgrad.autograd;

import io.jgrad.tensor.Broadcast;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.Ops;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The masking op: PyTorch's {@code masked_fill}, which attention uses to hide future or padded
 * positions. The forward selects {@code value} where the mask is set and the input elsewhere
 * (through the backend's {@link Ops#maskedFill}, so {@code -inf} fills stay exact); the backward
 * passes the gradient through the unmasked places and sends 0 to the filled ones.
 */
final class MaskOps {
    private MaskOps() {
    }

    static Variable maskedFill(Variable x, Tensor mask, double value) {
        if (mask == null) {
            throw new IllegalArgumentException("maskedFill: mask is null");
        }
        long[] shape = x.shape();
        long[] joint = Broadcast.shape("maskedFill", shape, mask.shape());
        if (!Arrays.equals(joint, shape)) {
            throw new IllegalArgumentException("maskedFill: mask " + Shapes.str(mask.shape())
                    + " does not broadcast to the input's shape " + Shapes.str(shape));
        }
        INDArray m = Broadcast.withRank(mask.array(), shape.length);
        Ops ops = Ops.get();
        INDArray out = ops.maskedFill(x.value().array(), m, value);
        return Variable.fromOp("maskedFill", out, g -> new INDArray[] {ops.maskedFill(g, m, 0.0)}, x);
    }
}
