package io.jgrad.nn;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Tensor;

/**
 * A trainable tensor of a {@link Module}: a leaf {@link Variable} that always requires a
 * gradient. Optimizers update its value in place.
 *
 * <pre>{@code
 * Parameter w = new Parameter(Tensor.zeros(3, 4));   // requiresGrad() is true
 * Parameter registered = registerParameter("weight", w); // inside a Module's constructor
 * }</pre>
 */
public class Parameter extends Variable {
    public Parameter(Tensor value) {
        super(value, true);
    }

    @Override
    public String toString() {
        return "Parameter(shape=" + java.util.Arrays.toString(shape()) + ")";
    }
}
