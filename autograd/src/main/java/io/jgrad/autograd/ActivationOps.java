package io.jgrad.autograd;

import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.backend.Ops;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The activation op family: ReLU, sigmoid, tanh, and softmax / log-softmax along an axis.
 * Backwards are written in terms of the forward's output where PyTorch does the same.
 */
final class ActivationOps {
    private ActivationOps() {
    }

    static Variable relu(Variable x) {
        Ops ops = Ops.get();
        INDArray a = x.value().array();
        INDArray out = ops.relu(a, ops.newArray(a.dataType(), a.shape()));
        return Variable.fromAccumulatingOp("relu", out, (g, sink) -> {
            GradSink.Target t = sink.target(0);
            ops.reluBackward(out, g, t.array(), t.beta());
        }, x);
    }

    static Variable sigmoid(Variable x) {
        Ops ops = Ops.get();
        INDArray out = ops.sigmoid(x.value().array());
        return Variable.fromOp("sigmoid", out, g -> new INDArray[] {ops.sigmoidBackward(out, g)}, x);
    }

    static Variable tanh(Variable x) {
        Ops ops = Ops.get();
        INDArray out = ops.tanh(x.value().array());
        return Variable.fromOp("tanh", out, g -> new INDArray[] {ops.tanhBackward(out, g)}, x);
    }

    /** Softmax along {@code axis}, stable for large logits. */
    static Variable softmax(Variable x, int axis) {
        Ops ops = Ops.get();
        INDArray a = x.value().array();
        int ax = Shapes.axis("softmax", axis, a.rank());
        INDArray out = ops.softmax(a, ax);
        return Variable.fromOp("softmax", out, g -> new INDArray[] {ops.softmaxBackward(out, g, ax)}, x);
    }

    /** log(softmax) along {@code axis}, computed as {@code x - max - log(sum(exp(x - max)))}. */
    static Variable logSoftmax(Variable x, int axis) {
        Ops ops = Ops.get();
        INDArray a = x.value().array();
        int ax = Shapes.axis("logSoftmax", axis, a.rank());
        INDArray out = ops.logSoftmax(a, ax);
        return Variable.fromOp("logSoftmax", out, g -> new INDArray[] {ops.logSoftmaxBackward(out, g, ax)}, x);
    }

    /**
     * GELU, exact form {@code x·Φ(x) = x/2·(1 + erf(x/√2))}; backward
     * {@code g·(Φ(x) + x·φ(x))} with {@code φ(x) = e^{−x²/2}/√(2π)}, PyTorch's formula.
     */
    static Variable gelu(Variable x) {
        Ops ops = Ops.get();
        INDArray a = x.value().array();
        return Variable.fromOp("gelu", ops.gelu(a), g -> new INDArray[] {ops.geluBackward(a, g)}, x);
    }
}
