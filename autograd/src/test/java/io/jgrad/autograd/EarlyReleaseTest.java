package io.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.BufferCache;
import org.junit.jupiter.api.Test;

/**
 * The engine hands back the memory of a value marked by {@link Functional#intermediate} once
 * backward has consumed its node, and of nothing else: not without the mark, not with a retained
 * graph, not before backward; and gradients are those of the unmarked graph, bit for bit.
 */
class EarlyReleaseTest {
    /** 64 × 128 floats: 32 KiB, a cache block on the cpu backend. */
    private static final Tensor X = Tensor.randn(new Rng(3), 64, 96);

    private static Variable weight(long seed, long rows, long cols) {
        return Variable.of(Tensor.randn(new Rng(seed), rows, cols), true);
    }

    private static Variable layer(Variable x, Variable w) {
        return x.matmul(w).relu();
    }

    @Test
    void aMarkedValueIsHandedBackAfterBackwardAndTheGradientsAreUnchanged() {
        Variable w1 = weight(4, 96, 128);
        Variable w2 = weight(5, 128, 10);
        Variable x = Variable.constant(X);

        Variable plainHidden = layer(x, w1);
        plainHidden.matmul(w2).sum().backward();
        float[] g1 = w1.grad().toFloatArray();
        float[] g2 = w2.grad().toFloatArray();

        w1.clearGrad();
        w2.clearGrad();
        Variable hidden = Functional.intermediate(in -> layer(in, w1), x);
        float[] before = hidden.value().toFloatArray();
        assertArrayEquals(plainHidden.value().toFloatArray(), before, "the value itself is untouched");
        Variable loss = hidden.matmul(w2).sum();
        assertFalse(hidden.value().array().wasClosed(), "nothing is released before backward");
        loss.backward();
        assertArrayEquals(g1, w1.grad().toFloatArray());
        assertArrayEquals(g2, w2.grad().toFloatArray());
        assertEquals(BufferCache.enabled(), hidden.value().array().wasClosed(),
                "released (closed, so any later use throws) exactly where the cache owns the memory");
    }

    @Test
    void aRetainedGraphKeepsTheValue() {
        Variable w1 = weight(6, 96, 128);
        Variable w2 = weight(7, 128, 10);
        Variable hidden = Functional.intermediate(in -> layer(in, w1), Variable.constant(X));
        float[] before = hidden.value().toFloatArray();
        Variable loss = hidden.matmul(w2).sum();
        loss.backward(true);
        assertFalse(hidden.value().array().wasClosed());
        assertArrayEquals(before, hidden.value().toFloatArray());
        float[] once = w1.grad().toFloatArray();
        loss.backward();                                   // the second pass reads the value again
        float[] twice = w1.grad().toFloatArray();
        for (int i = 0; i < once.length; i++) {
            assertEquals(2 * once[i], twice[i], 1e-5 * Math.max(1, Math.abs(twice[i])), "element " + i);
        }
    }

    @Test
    void unmarkedValuesAndTheInputSurviveBackward() {
        Variable w1 = weight(8, 96, 128);
        Variable w2 = weight(9, 128, 10);
        Variable x = Variable.of(X, true);
        Variable hidden = layer(x, w1);                    // no mark: the user may hold it
        Variable out = Functional.intermediate(in -> in.matmul(w2), hidden);
        float[] h = hidden.value().toFloatArray();
        out.sum().backward();
        assertFalse(hidden.value().array().wasClosed());
        assertFalse(x.value().array().wasClosed());
        assertArrayEquals(h, hidden.value().toFloatArray());
        assertArrayEquals(X.toFloatArray(), x.value().toFloatArray());
    }

    @Test
    void withoutAGraphNothingIsMarked() {
        Variable w1 = weight(10, 96, 128);
        try (NoGrad g = Variable.noGrad()) {
            Variable hidden = Functional.intermediate(in -> layer(in, w1), Variable.constant(X));
            assertFalse(hidden.requiresGrad());
            assertFalse(hidden.value().array().wasClosed());
        }
    }
}
