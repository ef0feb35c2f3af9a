package io.jgrad.tensor.backend;

import io.jgrad.tensor.Shapes;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The argument checks both backends share, so a bad call fails with the same message whichever
 * backend runs it.
 */
public final class Checks {
    private Checks() {
    }

    /**
     * Fails unless {@code op(a)·op(b)} is defined and fits {@code c} (c may be null: not checked).
     *
     * @throws IllegalArgumentException naming the shapes
     * @throws IllegalStateException when an operand's memory was already freed
     */
    public static void gemm(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c) {
        if (a.rank() != 2 || b.rank() != 2 || c != null && c.rank() != 2) {
            throw new IllegalArgumentException("gemm: needs 2-d operands, got A " + Shapes.str(a.shape()) + ", B "
                    + Shapes.str(b.shape()) + (c == null ? "" : ", C " + Shapes.str(c.shape())));
        }
        long m = transA ? a.size(1) : a.size(0);
        long k = transA ? a.size(0) : a.size(1);
        long kb = transB ? b.size(1) : b.size(0);
        long n = transB ? b.size(0) : b.size(1);
        if (k != kb || c != null && (c.size(0) != m || c.size(1) != n)) {
            throw new IllegalArgumentException("gemm: op(A) " + m + "x" + k + ", op(B) " + kb + "x" + n
                    + (c == null ? "" : " and C " + Shapes.str(c.shape())) + " do not fit C[m, n] = A[m, k]·B[k, n]");
        }
        if (a.wasClosed() || b.wasClosed() || c != null && c.wasClosed()) {
            throw new IllegalStateException("gemm: an operand was already freed (used after its StepScope closed?)");
        }
    }

    /**
     * Fails unless {@code op(a[i])·op(b[i])} is defined for 3-d {@code a [B, m, k]} and
     * {@code b [B, k, n]} with one batch size.
     *
     * @throws IllegalArgumentException naming the shapes
     */
    public static void batchedGemm(INDArray a, boolean transA, INDArray b, boolean transB) {
        long k = a.rank() == 3 ? (transA ? a.size(1) : a.size(2)) : -1;
        long kb = b.rank() == 3 ? (transB ? b.size(2) : b.size(1)) : -2;
        if (a.rank() != 3 || b.rank() != 3 || a.size(0) != b.size(0) || k != kb) {
            throw new IllegalArgumentException("batchedGemm: A " + Shapes.str(a.shape()) + (transA ? "ᵀ" : "") + " and B "
                    + Shapes.str(b.shape()) + (transB ? "ᵀ" : "") + " do not fit [B, m, k] x [B, k, n]");
        }
    }
}
