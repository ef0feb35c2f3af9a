package io.jgrad.nn;

import static io.jgrad.nn.Rejects.assertRejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The initialisers against torch.nn.init's formulas, checked statistically on large tensors:
 * a uniform(±b) sample has variance b²/3, a normal one the requested std.
 */
class InitTest {
    private static double[] moments(Tensor t) {
        double[] v = t.toDoubleArray();
        double mean = 0;
        for (double d : v) {
            mean += d;
        }
        mean /= v.length;
        double var = 0;
        double maxAbs = 0;
        for (double d : v) {
            var += (d - mean) * (d - mean);
            maxAbs = Math.max(maxAbs, Math.abs(d));
        }
        return new double[] {mean, Math.sqrt(var / v.length), maxAbs};
    }

    /** Mean ≈ 0 and std within 3% of {@code std}, over 200×500 = 100,000 samples. */
    private static double[] assertStd(Tensor t, double std) {
        double[] m = moments(t);
        assertEquals(0, m[0], 5 * std / Math.sqrt(t.size()), "mean");
        assertEquals(std, m[1], 0.03 * std, "std");
        return m;
    }

    @Test
    void gainsAreTorchs() {
        assertEquals(Math.sqrt(2), Init.gain("relu", 0), 1e-15);
        assertEquals(5.0 / 3, Init.gain("tanh", 0), 1e-15);
        assertEquals(1, Init.gain("sigmoid", 0));
        assertEquals(Math.sqrt(2 / (1 + 5.0)), Init.gain("leaky_relu", Math.sqrt(5)), 1e-15);
        assertRejects(() -> Init.gain("selu2", 0), "selu2");
    }

    @Test
    void kaimingAndXavierFollowTheirFormulas() {
        Tensor w = Tensor.zeros(200, 500); // fan_in 500, fan_out 200
        Rng rng = new Rng(3);
        double bound = Math.sqrt(2) * Math.sqrt(3.0 / 500);
        Init.kaimingUniform(w, 0, "relu", rng);
        assertTrue(assertStd(w, bound / Math.sqrt(3))[2] <= bound);
        Init.kaimingNormal(w, 0, "relu", rng);
        assertStd(w, Math.sqrt(2) / Math.sqrt(500));
        double xb = 1.5 * Math.sqrt(6.0 / 700);
        Init.xavierUniform(w, 1.5, rng);
        assertTrue(assertStd(w, xb / Math.sqrt(3))[2] <= xb);
        Init.xavierNormal(w, 1.0, rng);
        assertStd(w, Math.sqrt(2.0 / 700));
        Init.constant(w, 0.25);
        assertEquals(0.25, moments(w)[0], 1e-7);
        Init.zeros(w);
        assertEquals(0, moments(w)[2]);
    }

    @Test
    void linearUsesPyTorchsDefaultInitAndIsSeeded() {
        Linear l = new Linear(400, 300, true, new Rng(11));
        double b = 1 / Math.sqrt(400);
        assertTrue(assertStd(l.weight().value(), b / Math.sqrt(3))[2] <= b, "weight within ±1/√fan_in");
        assertTrue(moments(l.bias().value())[2] <= b, "bias within ±1/√fan_in");
        Rng.manualSeed(4);
        Linear a = new Linear(3, 2);
        Rng.manualSeed(4);
        Linear c = new Linear(3, 2);
        assertArrayEquals(a.weight().value().toFloatArray(), c.weight().value().toFloatArray());
        assertArrayEquals(a.bias().value().toFloatArray(), c.bias().value().toFloatArray());
    }

    @Test
    void fansNeedTwoDimensions() {
        assertRejects(() -> Init.fanIn(Tensor.zeros(5)), "fan in", "[5]");
    }
}
