package io.jgrad.nn;

import io.jgrad.autograd.Variable;

/** The rectifier {@code max(x, 0)} as a layer. */
public class ReLU extends Module {
    @Override
    public Variable forward(Variable x) {
        return x.relu();
    }
}
