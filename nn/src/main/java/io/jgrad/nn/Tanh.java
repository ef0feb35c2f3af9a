package io.jgrad.nn;

import io.jgrad.autograd.Variable;

/**
 * The hyperbolic tangent as a layer.
 *
 * <pre>{@code
 * Sequential m = new Sequential(new Linear(4, 8), new Tanh(), new Linear(8, 2));
 * }</pre>
 */
public class Tanh extends Module {
    @Override
    public Variable forward(Variable x) {
        return x.tanh();
    }
}
