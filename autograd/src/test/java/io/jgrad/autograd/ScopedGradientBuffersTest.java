package io.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.tensor.NativeMemory;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.StepScope;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.BufferCache;
import org.junit.jupiter.api.Test;

/**
 * The engine's gradient buffers inside a {@link StepScope} are the step's own arrays: a scoped
 * step leaves none behind for the collector, even where a plain backward (GELU's) consumes the
 * gradient a linear layer's backward wrote, and the gradients are the same bits as without a scope,
 * also when scoped and plain steps alternate.
 */
class ScopedGradientBuffersTest {
    private final Variable w1 = Variable.of(Tensor.randn(new Rng(61), 256, 96).mul(0.1), true);
    private final Variable b1 = Variable.of(Tensor.randn(new Rng(62), 256).mul(0.1), true);
    private final Variable w2 = Variable.of(Tensor.randn(new Rng(63), 10, 256).mul(0.1), true);
    private final Variable b2 = Variable.of(Tensor.randn(new Rng(64), 10).mul(0.1), true);
    private final Variable x = Variable.constant(Tensor.randn(new Rng(65), 64, 96));

    /** One backward of sum(linear(gelu(linear(x)))), scoped or not; returns w1's and b1's gradients. */
    private float[][] step(boolean scoped) {
        for (Variable p : new Variable[] {w1, b1, w2, b2}) {
            p.zeroGrad();
        }
        StepScope s = scoped ? StepScope.open() : null;
        try {
            // the second linear's backward writes the [64, 256] gradient of gelu's result into an engine
            // buffer (128 KiB); gelu's backward, a plain one, consumes it and hands on a new array
            Functional.linear(Functional.linear(x, w1, b1).gelu(), w2, b2).sum().backward();
        } finally {
            if (s != null) {
                s.close();
            }
        }
        return new float[][] {w1.grad().toFloatArray(), b1.grad().toFloatArray(), w2.grad().toFloatArray()};
    }

    @Test
    void aScopedStepLeavesNoGradientBufferForTheCollector() {
        for (int i = 0; i < 3; i++) {
            step(true);
        }
        long fresh = BufferCache.freshAllocations();
        long collections = NativeMemory.collections();
        for (int i = 0; i < 20; i++) {
            step(true);
        }
        if (BufferCache.enabled() && NativeMemory.collections() == collections) {
            // before, each step took a fresh block for gelu's gradient and left it for a collection
            assertEquals(fresh, BufferCache.freshAllocations(), "no fresh block after the first steps");
        }
    }

    @Test
    void scopedAndPlainStepsGiveTheSameGradients() {
        float[][] plain = step(false);
        for (int i = 0; i < 4; i++) {
            float[][] got = step(i % 2 == 0);
            for (int k = 0; k < plain.length; k++) {
                assertArrayEquals(plain[k], got[k], 0f, "gradient " + k + ", step " + i);
            }
        }
    }
}
