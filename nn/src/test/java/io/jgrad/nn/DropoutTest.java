package io.jgrad.nn;

import static io.jgrad.nn.Rejects.assertRejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Inverted dropout's defining properties: scale, drop fraction, eval identity, seeded masks. */
class DropoutTest {
    private static final int N = 200 * 100;

    @Test
    void keptElementsAreScaledAndTheDropFractionIsP() {
        double p = 0.3;
        Dropout d = new Dropout(p, new Rng(7));
        Variable x = Variable.of(Tensor.ones(200, 100), true);
        Variable y = d.forward(x);
        float[] v = y.value().toFloatArray();
        int zeros = 0;
        for (float f : v) {
            if (f == 0) {
                zeros++;
            } else {
                assertEquals(1 / (1 - p), f, 1e-6, "kept elements are scaled by 1/(1-p)");
            }
        }
        // binomial(N, p): std = sqrt(N p (1-p)) ≈ 65; allow 5 standard deviations
        assertEquals(p * N, zeros, 5 * Math.sqrt(N * p * (1 - p)));
        // the gradient goes through the same mask
        y.sum().backward();
        assertArrayEquals(v, x.grad().toFloatArray());
    }

    @Test
    void evalModeAndZeroPAreTheIdentity() {
        Variable x = Variable.of(Tensor.randn(new Rng(1), 4, 5), true);
        Dropout d = new Dropout(0.5, new Rng(1));
        d.eval();
        assertSame(x, d.forward(x));
        assertSame(x, new Dropout(0.0).forward(x));
        float[] all = new Dropout(1.0, new Rng(2)).forward(x).value().toFloatArray();
        for (float f : all) {
            assertEquals(0f, f, 0f, "p = 1 drops everything, as in PyTorch");
        }
    }

    @Test
    void masksAreReproducibleFromTheSeedAndDifferBetweenCalls() {
        Variable x = Variable.constant(Tensor.ones(8, 16));
        Dropout a = new Dropout(0.5, new Rng(42));
        Dropout b = new Dropout(0.5, new Rng(42));
        float[] a1 = a.forward(x).value().toFloatArray();
        assertArrayEquals(a1, b.forward(x).value().toFloatArray());
        assertFalse(java.util.Arrays.equals(a1, a.forward(x).value().toFloatArray()), "each call draws a new mask");
        Rng.manualSeed(3);
        float[] g1 = new Dropout(0.5).forward(x).value().toFloatArray();
        Rng.manualSeed(3);
        assertArrayEquals(g1, new Dropout(0.5).forward(x).value().toFloatArray(), "default generator follows manualSeed");
    }

    @Test
    void badProbabilityIsRejected() {
        assertRejects(() -> new Dropout(1.5), "Dropout", "p", "1.5");
        assertRejects(() -> new Dropout(-0.1), "Dropout", "-0.1");
    }
}
