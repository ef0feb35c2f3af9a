package io.jgrad.nn;

import io.jgrad.autograd.Variable;

/** The hyperbolic tangent as a layer. */
public class Tanh extends Module {
    @Override
    public Variable forward(Variable x) {
        return x.tanh();
    }
}
