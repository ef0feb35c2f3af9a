package io.jgrad.nn;

import io.jgrad.autograd.Variable;

/**
 * {@code softmax} along one axis as a layer (PyTorch's {@code nn.Softmax(dim)}).
 *
 * <pre>{@code
 * Variable probs = new Softmax(1).forward(logits);   // each row of [N, C] sums to 1
 * }</pre>
 */
public class Softmax extends Module {
    private final int axis;

    public Softmax(int axis) {
        this.axis = axis;
    }

    /** The axis it normalises along (may be negative, counted from the end). */
    public int dim() {
        return axis;
    }

    @Override
    public Variable forward(Variable x) {
        return x.softmax(axis);
    }

    @Override
    protected String extraRepr() {
        return "dim=" + axis;
    }
}
