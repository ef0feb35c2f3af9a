package io.jgrad.tensor.backend;

/** Holds the process's {@link Ops}, created on first use from {@link Backend#current()}. */
final class Selected {
    static final Ops OPS = Ops.of(Backend.current());

    private Selected() {
    }
}
