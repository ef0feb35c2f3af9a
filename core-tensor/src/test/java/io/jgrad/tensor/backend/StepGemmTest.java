package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link StepGemm}: which per-step products are cut into column blocks (only with the small-matrix
 * kernels, only parts of at most 32 rows, blocks under 10⁶ multiply-adds), and that a cut product
 * at offsets, with strides wider than the slab as a recurrent layer's step rows have, equals the
 * float64 product whatever the width; and that only the LSTM, whose forward steps are cut, builds the
 * transposed hidden weight the cut reads.
 */
class StepGemmTest {
    @Test
    void cutsOnlySmallPartsAndOnlyWithTheSmallKernels() {
        assertEquals(128, StepGemm.width(true, 32, 512, 128), "W8's forward step: a block per gate");
        assertEquals(32, StepGemm.width(true, 32, 128, 512), "W8's backward step");
        assertEquals(256, StepGemm.width(true, 16, 512, 128), "16 rows: two blocks of 256");
        assertEquals(512, StepGemm.width(true, 64, 512, 128), "64 rows: uncut (slower cut, measured)");
        assertEquals(512, StepGemm.width(false, 32, 512, 128), "without the small kernels nothing is cut");
        assertEquals(96, StepGemm.width(true, 32, 96, 24), "small already: one call");
        assertEquals(300, StepGemm.width(true, 32, 300, 512), "no power-of-two cut reaches the limit: uncut");
        assertEquals(16, StepGemm.width(true, 32, 64, 1500), "down to 16 columns");
        assertEquals(64, StepGemm.width(true, 32, 64, 2000), "never below 16 columns");
    }

    @Test
    void aCutProductAtOffsetsEqualsTheFloat64Product() {
        int m = 5;
        int n = 48;
        int k = 20;
        int lda = 70;
        int ldb = 60;
        int ldc = 90;
        INDArray a = Tensor.uniform(new Rng(1), -1, 1, 8 * lda).array();
        INDArray b = Tensor.uniform(new Rng(2), -1, 1, 40 * ldb).array();
        float[] fa = a.toFloatVector();
        float[] fb = b.toFloatVector();
        for (int width : new int[] {48, 16, 20, 7}) {
            for (float beta : new float[] {0f, 1f}) {
                INDArray c = Tensor.uniform(new Rng(3), -1, 1, 8 * ldc).array();
                float[] before = c.toFloatVector();
                StepGemm.multiply(m, n, k, a, 3, lda, b, 5, ldb, beta, c, 7, ldc, width);
                float[] got = c.toFloatVector();
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double want = beta * before[7 + i * ldc + j];
                        for (int p = 0; p < k; p++) {
                            want += (double) fa[3 + i * lda + p] * fb[5 + p * ldb + j];
                        }
                        assertEquals(want, got[7 + i * ldc + j], 1e-5, "width " + width + ", beta " + beta + " at " + i + "," + j);
                    }
                }
                for (int at = 7 + (m - 1) * ldc + n; at < got.length; at++) {
                    assertEquals(before[at], got[at], "past C's slab, width " + width);
                }
            }
        }
    }

    /**
     * W8's step shape (32 rows, hidden 128), where the forward's step products are cut: the LSTM's
     * forward writes {@code W_hhᵀ} into the calling thread's scratch slot, the GRU's (whose step
     * products are not cut) leaves it as it was. Without the small kernels nothing is cut, and
     * nothing transposed.
     */
    @Test
    void onlyTheLstmTransposesTheHiddenWeightForItsCutSteps() {
        Ops cpu = Ops.of(Backend.CPU);
        int n = 32;
        int h = 128;
        boolean cut = StepGemm.width(n, 4 * h, h) < 4 * h;
        assertEquals(cut, StepGemm.width(n, 3 * h, h) < 3 * h, "the GRU's products would be cut as the LSTM's");
        INDArray x = Tensor.uniform(new Rng(4), -1, 1, n, 2, 8).array();
        INDArray state = Tensor.uniform(new Rng(5), -1, 1, n, h).array();
        for (int gates : new int[] {3, 4}) {
            INDArray wIh = Tensor.uniform(new Rng(6), -1, 1, gates * h, 8).array();
            INDArray w = Tensor.uniform(new Rng(7), -1, 1, gates * h, h).array();
            INDArray b = Tensor.uniform(new Rng(8), -1, 1, gates * h).array();
            INDArray slot = RecurrentRows.scratch(RecurrentRows.HIDDEN_WEIGHT_T, h, gates * h).assign(Float.NaN);
            if (gates == 4) {
                cpu.lstmLayer(x, wIh, b, w, b, state, state);
            } else {
                cpu.gruLayer(x, wIh, b, w, b, state);
            }
            float[] after = RecurrentRows.scratch(RecurrentRows.HIDDEN_WEIGHT_T, h, gates * h).data().asFloat();
            if (gates == 4 && cut) {
                assertArrayEquals(w.transpose().dup('c').data().asFloat(), after, "the LSTM's W_hh^T");
            } else {
                assertTrue(Float.isNaN(after[0]) && Float.isNaN(after[after.length - 1]),
                        (gates == 4 ? "the LSTM (uncut)" : "the GRU") + " transposes no hidden weight");
            }
            assertEquals(slot, RecurrentRows.scratch(RecurrentRows.HIDDEN_WEIGHT_T, h, gates * h), "the same slot");
        }
    }
}
