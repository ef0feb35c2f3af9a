package io.jgrad.nn;

import io.jgrad.autograd.Variable;

/**
 * The logistic function {@code 1/(1+e^-x)} as a layer.
 *
 * <pre>{@code
 * Sequential m = new Sequential(new Linear(4, 1), new Sigmoid());   // a probability per row
 * }</pre>
 */
public class Sigmoid extends Module {
    @Override
    public Variable forward(Variable x) {
        return x.sigmoid();
    }
}
