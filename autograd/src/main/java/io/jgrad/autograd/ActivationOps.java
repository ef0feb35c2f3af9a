package io.jgrad.autograd;

import io.jgrad.tensor.Kernels;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.StepScope;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The activation op family: ReLU, sigmoid, tanh, and softmax / log-softmax along an axis.
 * Backwards are written in terms of the forward's output where PyTorch does the same.
 */
final class ActivationOps {
    private ActivationOps() {
    }

    static Variable relu(Variable x) {
        INDArray a = x.value().array();
        INDArray out = Kernels.relu(a, StepScope.newArray(a.dataType(), a.shape()));
        return Variable.fromAccumulatingOp("relu", out, (g, sink) -> {
            GradSink.Target t = sink.target(0);
            Kernels.reluBackward(out, g, t.array(), t.beta());
        }, x);
    }

    static Variable sigmoid(Variable x) {
        INDArray out = Transforms.sigmoid(x.value().array(), true);
        return Variable.fromOp("sigmoid", out, g -> new INDArray[] {out.rsub(1.0).muli(out).muli(g)}, x);
    }

    static Variable tanh(Variable x) {
        INDArray out = Transforms.tanh(x.value().array(), true);
        return Variable.fromOp("tanh", out, g -> new INDArray[] {out.mul(out).rsubi(1.0).muli(g)}, x);
    }

    /** Softmax along {@code axis}, stable for large logits. */
    static Variable softmax(Variable x, int axis) {
        INDArray a = x.value().array();
        int ax = Shapes.axis("softmax", axis, a.rank());
        INDArray out = Transforms.exp(a.sub(a.max(true, ax)), false);
        out.divi(out.sum(true, ax));
        return Variable.fromOp("softmax", out, g -> {
            INDArray dot = g.mul(out).sum(true, ax);
            return new INDArray[] {g.sub(dot).muli(out)};
        }, x);
    }

    /** log(softmax) along {@code axis}, computed as {@code x - max - log(sum(exp(x - max)))}. */
    static Variable logSoftmax(Variable x, int axis) {
        INDArray a = x.value().array();
        int ax = Shapes.axis("logSoftmax", axis, a.rank());
        INDArray out = a.sub(a.max(true, ax));
        out.subi(Transforms.log(Transforms.exp(out, true).sum(true, ax), false));
        return Variable.fromOp("logSoftmax", out, g -> {
            INDArray gsum = g.sum(true, ax);
            return new INDArray[] {g.sub(Transforms.exp(out, true).muli(gsum))};
        }, x);
    }

    /**
     * GELU, exact form {@code x·Φ(x) = x/2·(1 + erf(x/√2))}; backward
     * {@code g·(Φ(x) + x·φ(x))} with {@code φ(x) = e^{−x²/2}/√(2π)}, PyTorch's formula.
     */
    static Variable gelu(Variable x) {
        INDArray a = x.value().array();
        INDArray cdf = a.mul(1 / Math.sqrt(2));
        Nd4j.exec(new Erf(cdf, cdf));
        cdf.addi(1).muli(0.5);
        return Variable.fromOp("gelu", a.mul(cdf), g -> {
            INDArray pdf = Transforms.exp(a.mul(a).muli(-0.5), false).muli(1 / Math.sqrt(2 * Math.PI));
            return new INDArray[] {pdf.muli(a).addi(cdf).muli(g)};
        }, x);
    }
}
