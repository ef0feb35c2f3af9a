package io.jgrad.nn;

import io.jgrad.autograd.Variable;

/** {@code softmax} along one axis as a layer (PyTorch's {@code nn.Softmax(dim)}). */
public class Softmax extends Module {
    private final int axis;

    public Softmax(int axis) {
        this.axis = axis;
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
