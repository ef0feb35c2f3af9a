package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Transformer kernels of the {@code cpu} backend (fused layer norm, GELU, row softmax with
 * the causal mask, batched GEMM by direct BLAS calls) agree with the {@code nd4j} backend's ND4J
 * ops on float32 inputs within float32 rounding, forward and backward, on shapes that split over
 * two threads and on reshaped views; the float32 GELU is within two float32 ulps of a double
 * reference; and that reference's error function is erf to ~1e-11.
 */
class TransformerOpsAgreementTest {
    private static final Ops CPU = Ops.of(Backend.CPU);
    private static final Ops ND4J = Ops.of(Backend.ND4J);

    private static INDArray rand(long seed, double scale, long... shape) {
        return Tensor.uniform(new Rng(seed), -scale, scale, shape).array();
    }

    private static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what);
        double[] e = expected.dup('c').data().asDouble();
        double[] a = actual.dup('c').data().asDouble();
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], tol * Math.max(1, Math.abs(e[i])), what + ", element " + i);
        }
    }

    @Test
    void layerNormForwardAndBackwardAgree() {
        for (boolean affine : new boolean[] {true, false}) {
            for (long rows : new long[] {3, 1030}) {
                INDArray x = rand(1, 2, rows, 128).addi(0.5);
                INDArray w = affine ? rand(2, 1, 128) : null;
                INDArray b = affine ? rand(3, 1, 128) : null;
                INDArray g = rand(4, 1, rows, 128);
                String what = "layerNorm rows=" + rows + " affine=" + affine;
                INDArray[] c = run(CPU, x, w, b, g);
                INDArray[] n = run(ND4J, x, w, b, g);
                for (int i = 0; i < c.length; i++) {
                    if (c[i] != null) {
                        assertClose(n[i], c[i], 2e-5, what + " result " + i);
                    }
                }
            }
        }
    }

    /** y, dx (accumulated onto ones), dγ, dβ. */
    private static INDArray[] run(Ops ops, INDArray x, INDArray w, INDArray b, INDArray g) {
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
        LayerNormPass pass = ops.layerNorm(x.reshape(x.shape()), w, b, 1e-5, y);   // a reshaped view as input
        INDArray dx = Nd4j.ones(DataType.FLOAT, x.shape());
        INDArray dw = w == null ? null : Nd4j.ones(DataType.FLOAT, w.shape());
        INDArray db = w == null ? null : Nd4j.createUninitialized(DataType.FLOAT, w.shape());
        pass.backward(g, dx, 1, dw, 1, db, 0);
        return new INDArray[] {y, dx, dw, db};
    }

    @Test
    void layerNormRejectsMisfitWeights() {
        INDArray x = rand(5, 1, 2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CPU.layerNorm(x, rand(6, 1, 4), rand(7, 1, 4), 1e-5, x.dup()));
        assertTrue(e.getMessage().contains("layerNorm") && e.getMessage().contains("[2, 3]"), e.getMessage());
    }

    @Test
    void geluForwardAndBackwardAgree() {
        INDArray x = rand(8, 6, 33000);
        INDArray g = rand(9, 1, 33000);
        assertClose(ND4J.gelu(x), CPU.gelu(x), 1e-6, "gelu");
        assertClose(ND4J.geluBackward(x, g), CPU.geluBackward(x, g), 1e-6, "geluBackward");
    }

    @Test
    void floatGeluIsWithinTwoUlpsOfTheDoubleReference() {
        int n = 400_001;                                                     // [-10, 10] in steps of 5e-5
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (-10 + 5e-5 * i);
        }
        float[] y = x.clone();
        float[] d = new float[n];
        java.util.Arrays.fill(d, 1f);
        GeluFloat.forward(y, new float[n], new float[n], n);
        GeluFloat.backward(x, d, new float[n], new float[n], n);
        for (int i = 0; i < n; i++) {
            double v = x[i];
            double cdf = 0.5 * (1 + Erf.erf(v / Math.sqrt(2)));
            double gelu = v * cdf;
            double slope = cdf + v * Erf.gauss(v / Math.sqrt(2)) / Math.sqrt(2 * Math.PI);
            assertEquals(gelu, y[i], 2e-7 * Math.max(1, Math.abs(gelu)), "gelu(" + v + ")");
            assertEquals(slope, d[i], 2e-7 * Math.max(1, Math.abs(slope)), "gelu'(" + v + ")");
        }
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 1e-38f, 50f, -50f};
        float[] ys = special.clone();
        float[] ds = new float[special.length];
        java.util.Arrays.fill(ds, 1f);
        GeluFloat.forward(ys, new float[8], new float[8], 8);
        GeluFloat.backward(special, ds, new float[8], new float[8], 8);
        for (int i = 0; i < 3; i++) {                                      // as PyTorch: NaN for NaN and ±inf
            assertTrue(Float.isNaN(ys[i]) && Float.isNaN(ds[i]), "gelu at " + special[i]);
        }
        assertArrayEquals(new float[] {0f, 0f, 5e-39f, 50f, 0f}, java.util.Arrays.copyOfRange(ys, 3, 8), 1e-9f);
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 1f, 0f}, java.util.Arrays.copyOfRange(ds, 3, 8), 5e-9f);
    }

    @Test
    void erfMatchesItsSeriesAndSymmetry() {
        // erf(z) = 2/√π·Σ (−1)ⁿ z^{2n+1}/(n!(2n+1)), converging fast for |z| ≤ 1
        for (double z = -1; z <= 1; z += 0.0137) {
            double term = z;
            double sum = z;
            for (int n = 1; n < 40; n++) {
                term *= -z * z / n;
                sum += term / (2 * n + 1);
            }
            assertEquals(2 / Math.sqrt(Math.PI) * sum, Erf.erf(z), 1e-11, "erf(" + z + ")");
        }
        assertEquals(0.9953222650189527, Erf.erf(2), 1e-11);          // erf(2), tabulated
        assertEquals(-Erf.erf(2.5), Erf.erf(-2.5), 0);
        assertEquals(1, Erf.erf(7), 0);
        assertTrue(Double.isNaN(Erf.erf(Double.NaN)));
        for (double z = -7; z <= 7; z += 0.00731) {
            double e = Math.exp(-z * z);
            assertEquals(e, Erf.gauss(z), 1e-11 * e, "gauss(" + z + ")");
        }
    }

    @Test
    void softmaxAndCausalSoftmaxAgree() {
        INDArray s = rand(10, 4, 40, 33, 33);
        INDArray g = rand(11, 1, 40, 33, 33);
        assertClose(ND4J.softmax(s, 2), CPU.softmax(s, 2), 1e-6, "softmax");
        assertClose(ND4J.softmaxBackward(ND4J.softmax(s, 2), g, 2), CPU.softmaxBackward(CPU.softmax(s, 2), g, -1), 1e-6,
                "softmaxBackward");
        INDArray wide = rand(12, 4, 8, 5, 9);                                  // L < S
        for (INDArray x : new INDArray[] {s, wide}) {
            INDArray expected = ND4J.attentionSoftmax(x.dup(), true);
            INDArray actual = CPU.attentionSoftmax(x.dup(), true);
            assertClose(expected, actual, 1e-6, "causal softmax " + java.util.Arrays.toString(x.shape()));
            assertEquals(0, actual.getDouble(0, 0, 1), 0);
        }
    }

    @Test
    void batchedGemmAgreesForEveryTranspose() {
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                INDArray a = ta ? rand(13, 1, 20, 16, 33) : rand(13, 1, 20, 33, 16);
                INDArray b = tb ? rand(14, 1, 20, 24, 16) : rand(14, 1, 20, 16, 24);
                assertClose(ND4J.batchedGemm(a, ta, b, tb, 0.5), CPU.batchedGemm(a, ta, b, tb, 0.5), 1e-5,
                        "batchedGemm ta=" + ta + " tb=" + tb);
            }
        }
    }
}
