package io.jgrad.tensor.backend;

import io.jgrad.tensor.IndexRange;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.Tensor;
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

    /**
     * Fails unless {@code a}, {@code b}, {@code c} are 4-d {@code [B1, B2, m, k]},
     * {@code [B1, B2, k, n]} (after the transposes) and {@code [B1, B2, m, n]}.
     *
     * @throws IllegalArgumentException naming the shapes
     */
    public static void batchedGemmInto(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c) {
        boolean ranks = a.rank() == 4 && b.rank() == 4 && c.rank() == 4;
        if (!ranks || a.size(0) != b.size(0) || a.size(1) != b.size(1) || c.size(0) != a.size(0) || c.size(1) != a.size(1)
                || (transA ? a.size(2) : a.size(3)) != (transB ? b.size(3) : b.size(2))
                || c.size(2) != (transA ? a.size(3) : a.size(2)) || c.size(3) != (transB ? b.size(2) : b.size(3))) {
            throw new IllegalArgumentException("batchedGemmInto: A " + Shapes.str(a.shape()) + (transA ? "ᵀ" : "") + ", B "
                    + Shapes.str(b.shape()) + (transB ? "ᵀ" : "") + " and C " + Shapes.str(c.shape())
                    + " do not fit [B1, B2, m, k] x [B1, B2, k, n] -> [B1, B2, m, n]");
        }
    }

    /**
     * Fails unless {@code x} is {@code [R, C]}, {@code y} has its shape and {@code weight},
     * {@code bias} are both null or both of {@code C} elements.
     *
     * @throws IllegalArgumentException naming the shapes
     */
    public static void layerNorm(INDArray x, INDArray weight, INDArray bias, INDArray y) {
        boolean affineOk = weight == null ? bias == null
                : bias != null && weight.length() == x.size(x.rank() - 1) && bias.length() == weight.length();
        if (x.rank() != 2 || !java.util.Arrays.equals(x.shape(), y.shape()) || !affineOk) {
            throw new IllegalArgumentException("layerNorm: x " + Shapes.str(x.shape()) + ", y " + Shapes.str(y.shape())
                    + ", weight " + (weight == null ? "null" : Shapes.str(weight.shape())) + ", bias "
                    + (bias == null ? "null" : Shapes.str(bias.shape())) + " do not fit [R, C], [R, C], [C], [C]");
        }
    }

    /**
     * Fails unless {@code targets} (the row-major values of an INT64 array of shape
     * {@code targetShape}) has one class index per row of {@code logits [n, c]} and each one not
     * equal to {@code ignoreIndex} is in {@code [0, c)}, as PyTorch's "Target ... is out of bounds".
     *
     * @throws IllegalArgumentException naming {@code op}, the first bad target and its position
     */
    public static void targets(String op, INDArray logits, long[] targets, long[] targetShape, long ignoreIndex) {
        long n = logits.size(0);
        long c = logits.size(1);
        if (targets.length != n) {
            throw new IllegalArgumentException(op + ": logits have " + n + " rows but there are " + targets.length
                    + " targets " + Shapes.str(targetShape));
        }
        for (int i = 0; i < targets.length; i++) {
            long t = targets[i];
            if (t != ignoreIndex && (t < 0 || t >= c)) {
                throw new IllegalArgumentException(op + ": target " + t + " at position " + Shapes.position(i, targetShape)
                        + " of the targets " + Shapes.str(targetShape) + " is out of range for " + c + " classes (valid 0.." + (c - 1) + (ignoreIndex < 0 || ignoreIndex >= c
                        ? ", or the ignore index " + ignoreIndex : "") + ")");
            }
        }
    }

    /**
     * Fails unless every index (the row-major values of an INT64 array of shape {@code shape}) is
     * in {@code [0, num)}.
     *
     * @throws IllegalArgumentException naming {@code op}, the first bad index and its position
     */
    public static void indices(String op, long[] indices, long[] shape, long num) {
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= num) {
                throw new IllegalArgumentException(op + ": index " + indices[i] + " at position "
                        + Shapes.position(i, shape) + " of the indices " + Shapes.str(shape) + " is out of range [0, "
                        + num + ")");
            }
        }
    }

    /**
     * {@link #targets(String, INDArray, long[], long[], long)} for an INT64 tensor: with no
     * transfer when the tensor's {@link Tensor#indexRange() range} shows that every target is a
     * class of the logits or the ignore index (a batch made by {@code Tensor.ofLongs}); otherwise
     * the targets are read (one transfer) and checked one by one, so a bad target is named with
     * its position on either backend, before anything is computed.
     */
    public static void targets(String op, INDArray logits, Tensor targets, long ignoreIndex) {
        IndexRange r = targets.indexRange();
        if (r != null && targets.size() == logits.size(0) && r.classesWithin(logits.size(1), ignoreIndex)) {
            return;
        }
        targets(op, logits, targets.toLongArray(), targets.shape(), ignoreIndex);
    }

    /**
     * {@link #indices(String, long[], long[], long)} for an INT64 tensor: with no transfer when
     * its {@link Tensor#indexRange() range} lies in {@code [0, num)}, else by reading it (one
     * transfer) and naming the first bad index and its position.
     */
    public static void indices(String op, Tensor indices, long num) {
        IndexRange r = indices.indexRange();
        if (r != null && r.within(num)) {
            return;
        }
        indices(op, indices.toLongArray(), indices.shape(), num);
    }
}
