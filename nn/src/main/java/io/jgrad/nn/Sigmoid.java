package io.jgrad.nn;

import io.jgrad.autograd.Variable;

/** The logistic function {@code 1/(1+e^-x)} as a layer. */
public class Sigmoid extends Module {
    @Override
    public Variable forward(Variable x) {
        return x.sigmoid();
    }
}
