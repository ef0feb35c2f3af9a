package io.jgrad.nn;

import io.jgrad.tensor.Rng;

/**
 * A module that draws random numbers while it trains (such as {@link Dropout}'s masks). It
 * names its generator so a training checkpoint can save the generator's state beside the
 * weights and a resumed run can draw, from the next step on, exactly what the uninterrupted run
 * draws. A state dict does not hold it, as PyTorch's does not hold RNG state.
 */
public interface Stochastic {
    /** The generator this module draws from while training (its state changes as it draws). */
    Rng generator();
}
