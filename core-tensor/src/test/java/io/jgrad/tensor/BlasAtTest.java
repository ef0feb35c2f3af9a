package io.jgrad.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link Blas#sgemmAt} and {@link Blas#sgemmAtSerial}: products of slabs at offsets with leading
 * dimensions wider than the slab (a recurrent layer's per-step rows of a whole-sequence buffer),
 * against a float64 triple loop, and the error that names an operand that runs past its array.
 */
class BlasAtTest {
    private static final int M = 7;
    private static final int N = 40;
    private static final int K = 33;

    /** The float64 product of the slabs, plus beta times the old C slab. */
    private static double[] expected(boolean ta, boolean tb, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                     float[] c, int cOff, int ldc, float alpha, float beta) {
        double[] out = new double[M * N];
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < N; j++) {
                double sum = 0;
                for (int p = 0; p < K; p++) {
                    double av = ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double bv = tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    sum += av * bv;
                }
                out[i * N + j] = alpha * sum + beta * c[cOff + i * ldc + j];
            }
        }
        return out;
    }

    @Test
    void slabsAtOffsetsMatchAFloat64ProductSplitOrNot() {
        for (boolean serial : new boolean[] {false, true}) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    int lda = (ta ? M : K) + 5;
                    int ldb = (tb ? K : N) + 3;
                    int ldc = N + 9;
                    INDArray a = Tensor.uniform(new Rng(1), -1, 1, 3 + (long) (ta ? K : M) * lda).array();
                    INDArray b = Tensor.uniform(new Rng(2), -1, 1, 2 + (long) (tb ? N : K) * ldb).array();
                    INDArray c = Tensor.uniform(new Rng(3), -1, 1, 4 + (long) M * ldc).array();
                    double[] want = expected(ta, tb, a.data().asFloat(), 3, lda, b.data().asFloat(), 2, ldb,
                            c.data().asFloat(), 4, ldc, 1.5f, 0.5f);
                    if (serial) {
                        Blas.sgemmAtSerial(ta, tb, M, N, K, 1.5f, a, 3, lda, b, 2, ldb, 0.5f, c, 4, ldc);
                    } else {
                        Blas.sgemmAt(ta, tb, M, N, K, 1.5f, a, 3, lda, b, 2, ldb, 0.5f, c, 4, ldc);
                    }
                    float[] got = c.data().asFloat();
                    for (int i = 0; i < M; i++) {
                        for (int j = 0; j < N; j++) {
                            assertEquals(want[i * N + j], got[4 + i * ldc + j], 1e-4,
                                    "serial=" + serial + " ta=" + ta + " tb=" + tb + " C[" + i + "," + j + "]");
                        }
                    }
                }
            }
        }
    }

    @Test
    void anOperandPastItsArrayIsNamed() {
        INDArray a = Tensor.zeros(M, K).array();
        INDArray b = Tensor.zeros(K, N).array();
        INDArray c = Tensor.zeros(M, N).array();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Blas.sgemmAtSerial(false, false, M, N, K, 1f, a, 0, K, b, 1, N, 0f, c, 0, N));
        assertTrue(e.getMessage().contains("Blas.sgemmAt: B 33x40 at offset 1"), e.getMessage());
    }
}
