package io.jgrad.nn;

import io.jgrad.autograd.Variable;

/**
 * {@code logSoftmax} along one axis as a layer (PyTorch's {@code nn.LogSoftmax(dim)}).
 *
 * <pre>{@code
 * Variable logProbs = new LogSoftmax(1).forward(logits);   // [N, C], stable for large logits
 * }</pre>
 */
public class LogSoftmax extends Module {
    private final int axis;

    public LogSoftmax(int axis) {
        this.axis = axis;
    }

    /** The axis it normalises along (may be negative, counted from the end). */
    public int dim() {
        return axis;
    }

    @Override
    public Variable forward(Variable x) {
        return x.logSoftmax(axis);
    }

    @Override
    protected String extraRepr() {
        return "dim=" + axis;
    }
}
