package io.jgrad.optim;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.Max;
import org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.DivOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The few elementwise kernels the optimizers are written in, each one native call that writes
 * into an existing array (no allocation). They mirror the PyTorch in-place ops the update rules
 * of {@code torch.optim} use ({@code add_(x, alpha)}, {@code addcmul}, {@code addcdiv}, ...).
 */
final class InPlace {
    private InPlace() {
    }

    /** {@code out = x + alpha * y} ({@code torch.add(x, y, alpha=alpha, out=out)}); out may be x. */
    static INDArray addScaled(INDArray x, double alpha, INDArray y, INDArray out) {
        Nd4j.exec(new Axpy(y, x, out, alpha));
        return out;
    }

    /** {@code out = a * b}. */
    static INDArray mul(INDArray a, INDArray b, INDArray out) {
        Nd4j.exec(new MulOp(a, b, out));
        return out;
    }

    /** {@code out = a / b}. */
    static INDArray div(INDArray a, INDArray b, INDArray out) {
        Nd4j.exec(new DivOp(a, b, out));
        return out;
    }

    /** {@code out = sqrt(a)}. */
    static INDArray sqrt(INDArray a, INDArray out) {
        Nd4j.exec(new Sqrt(a, out));
        return out;
    }

    /** {@code out = max(a, b)} elementwise. */
    static INDArray max(INDArray a, INDArray b, INDArray out) {
        Nd4j.exec(new Max(a, b, out));
        return out;
    }
}
