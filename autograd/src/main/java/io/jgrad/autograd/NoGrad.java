package io.jgrad.autograd;

/**
 * A scope in which ops record no graph, like PyTorch's {@code torch.no_grad()}:
 * {@code try (NoGrad g = Variable.noGrad()) { ... }}. Scopes nest; recording resumes when the
 * outermost one closes, also when the block throws. Closing twice is harmless.
 *
 * <pre>{@code
 * try (NoGrad g = Variable.noGrad()) {
 *     Variable y = model.forward(x);  // evaluation: no graph, no gradients
 * }                                   // recording resumes here, also after an exception
 * }</pre>
 */
public final class NoGrad implements AutoCloseable {
    private boolean closed;

    NoGrad() {
        GradMode.enterNoGrad();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            GradMode.exitNoGrad();
        }
    }
}
