package io.jgrad.nn;

import io.jgrad.autograd.Variable;

/**
 * The Gaussian error linear unit {@code x·Φ(x)} in its exact erf form, PyTorch's {@code nn.GELU()}.
 *
 * <pre>{@code
 * Sequential mlp = new Sequential(new Linear(64, 256), new GELU(), new Linear(256, 64));
 * }</pre>
 */
public class GELU extends Module {
    @Override
    public Variable forward(Variable x) {
        return x.gelu();
    }

    @Override
    protected String extraRepr() {
        return "approximate='none'";
    }
}
