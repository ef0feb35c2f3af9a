package io.jgrad.nn;

import io.jgrad.autograd.Variable;

/**
 * The rectifier {@code max(x, 0)} as a layer.
 *
 * <pre>{@code
 * Sequential m = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
 * }</pre>
 */
public class ReLU extends Module {
    @Override
    public Variable forward(Variable x) {
        return x.relu();
    }
}
