package io.jgrad.tensor.backend;

import io.jgrad.tensor.Blas;
import io.jgrad.tensor.BlasCoreType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A recurrent layer's per-step product on one part's rows, {@code C = A·B + β·C} (no transposes),
 * cut into column blocks small enough for OpenBLAS's SkylakeX small-matrix kernels.
 *
 * <p>Why: a part of 32 batch rows multiplies its hidden states by the whole hidden weight at every
 * step ({@code 32×512×128} forward, {@code 32×128×512} backward). OpenBLAS packs the weight for
 * each such call, a fifth of W8's samples, which 32 rows amortise badly. Its SkylakeX build has
 * kernels that multiply a product of {@code m·n·k ≤ 10⁶} in place instead
 * ({@link BlasCoreType#smallMatrixKernels}); cut into column blocks under that size, the step
 * products took 40 µs against 50 (microbenchmark and W8's CPU time per step: bench/README.md,
 * "W8, fifth pass"). With 64 rows the cut was slower, so only parts of at most {@link #MAX_ROWS}
 * rows are cut, and on any other kernel set nothing is. Each block is the same sum over {@code k}
 * for each element; only the BLAS kernel, and so the rounding, differs from the uncut call.
 * {@code -Djgrad.stepBlocks=false} turns the cut off (for A/B measurements).
 */
final class StepGemm {
    /** OpenBLAS 0.3.19's limit for its small-matrix kernels. */
    static final double SMALL = 1e6;
    /** The most rows a cut product may have. */
    static final int MAX_ROWS = 32;
    private static final boolean ENABLED = BlasCoreType.smallMatrixKernels()
            && !"false".equals(System.getProperty("jgrad.stepBlocks"));

    private StepGemm() {
    }

    /** The column block width for this product on this machine: {@code n} for no cut. */
    static int width(int m, int n, int k) {
        return width(ENABLED, m, n, k);
    }

    /**
     * The column block width for an {@code m×n×k} product: {@code n} unless the small kernels are
     * there, {@code m ≤ MAX_ROWS} and halving {@code n} (at most down to 16 columns) brings a
     * block to {@code m·width·k ≤ 10⁶}.
     */
    static int width(boolean small, int m, int n, int k) {
        if (!small || m > MAX_ROWS || (double) m * n * k <= SMALL) {
            return n;
        }
        int w = n;
        while ((double) m * w * k > SMALL) {
            if (w % 2 != 0 || w / 2 < 16) {
                return n;
            }
            w /= 2;
        }
        return w;
    }

    /**
     * {@code C = A·B + β·C} for the {@code m×k} matrix A at {@code aOff} (row stride {@code lda}),
     * {@code k×n} B at {@code bOff} and {@code m×n} C at {@code cOff}, one single-threaded call per
     * column block of {@code width} ({@link #width}).
     */
    static void multiply(int m, int n, int k, INDArray a, long aOff, int lda, INDArray b, long bOff, int ldb,
                         float beta, INDArray c, long cOff, int ldc, int width) {
        for (int j = 0; j < n; j += width) {
            Blas.sgemmAtSerial(false, false, m, Math.min(width, n - j), k, 1f, a, aOff, lda, b, bOff + j, ldb, beta,
                    c, cOff + j, ldc);
        }
    }
}
