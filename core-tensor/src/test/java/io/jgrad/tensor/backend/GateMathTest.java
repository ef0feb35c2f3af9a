package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link GateMath}'s activations against the exact functions, over the whole float range that matters. */
class GateMathTest {

    @Test
    void tanhAndSigmoidAreWithinTheirStatedErrors() {
        double worstTanh = 0;
        double worstSigmoid = 0;
        for (float x = -30f; x <= 30f; x += 0.00037f) {
            worstTanh = Math.max(worstTanh, Math.abs(GateMath.tanh(x) - Math.tanh(x)));
            worstSigmoid = Math.max(worstSigmoid, Math.abs(GateMath.sigmoid(x) - 1 / (1 + Math.exp(-x))));
        }
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        for (int i = 0; i < 1_000_000; i++) {             // small arguments: relative error too
            float x = (float) (r.nextDouble(-1, 1) * Math.pow(10, r.nextInt(-30, 1)));
            double want = Math.tanh(x);
            assertTrue(Math.abs(GateMath.tanh(x) - want) <= 4e-7 * Math.abs(want) + Float.MIN_NORMAL, x + ": " + GateMath.tanh(x));
        }
        assertTrue(worstTanh <= 4e-7, "tanh off by " + worstTanh);
        assertTrue(worstSigmoid <= 2e-7, "sigmoid off by " + worstSigmoid);
    }

    @Test
    void limitsAndNaN() {
        assertEquals(1f, GateMath.tanh(Float.POSITIVE_INFINITY), 4e-7);      // the clamp: 0.99999982
        assertEquals(-1f, GateMath.tanh(-1e30f), 4e-7);
        assertEquals(0f, GateMath.tanh(0f));
        assertEquals(0.5f, GateMath.sigmoid(0f));
        assertEquals(0f, GateMath.sigmoid(Float.NEGATIVE_INFINITY), 2e-7);
        assertEquals(1f, GateMath.sigmoid(Float.POSITIVE_INFINITY), 2e-7);
        assertTrue(Float.isNaN(GateMath.tanh(Float.NaN)));
        assertTrue(Float.isNaN(GateMath.sigmoid(Float.NaN)));
    }

    @Test
    void theRangeLoopsApplyTheScalarFunctionsInsideTheirRangeOnly() {
        int n = 37;
        float[] a = new float[n];
        float[] b = new float[n];
        for (int k = 0; k < n; k++) {
            a[k] = (k - 18) * 0.3f + 0.1f * (k % 5);
            b[k] = a[k];
        }
        float[] sig = a.clone();
        float[] th = a.clone();
        GateMath.sigmoidInPlace(sig, 5, 30);
        GateMath.tanhInPlace(th, 5, 30);
        GateMath.add(b, a, 5, 30);
        for (int k = 0; k < n; k++) {
            boolean in = k >= 5 && k < 30;
            assertEquals(in ? GateMath.sigmoid(a[k]) : a[k], sig[k], 1e-7, "sigmoid, element " + k);
            assertEquals(in ? GateMath.tanh(a[k]) : a[k], th[k], 1e-7, "tanh, element " + k);
            assertEquals(in ? 2 * a[k] : a[k], b[k], 0, "add, element " + k);
        }
    }
}
