package io.jgrad.tensor;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.blas_set_num_threads;

import io.jgrad.tensor.backend.Checks;
import io.jgrad.tensor.backend.Dense;
import io.jgrad.tensor.backend.Parallel;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The matrix product {@code C = α·op(A)·op(B) + β·C} as one direct call into the BLAS library
 * ND4J itself links (OpenBLAS), for dense row-major arrays. Measured on a 2-core machine, a
 * {@code Nd4j.gemm} call carries 30-40 µs of Java-side set-up (an op context, native pointers,
 * shape checks) before the BLAS call; this path costs about 2 µs, which is most of a small
 * layer's GEMM (e.g. 32×784×64: 74 µs against 450 µs). Other layouts (views, column-major,
 * mixed types) fall back to {@code Nd4j.gemm}, which handles them. A kernel of the {@code cpu}
 * backend, called only through its {@code Ops}.
 */
public final class Blas {
    /**
     * Products of at least this many multiply-adds ({@code m·n·k}) are split over two cores when
     * {@link Threads#count()} allows, and each further part needs half as many more: about 0.1 ms
     * of work on one core for a split in two. Was 8M while the helper thread parked between
     * halves; with polling, 128×256×128 products gained up to 20%, 128×784×64 ones 1.7×.
     * Measured in bench/README.md ("Threads").
     */
    static final long SPLIT_MACS = 4L << 20;
    /** No part is cut thinner than this many rows or columns (OpenBLAS's kernels want width). */
    static final long MIN_PART = 32;

    private static int blasThreads = -1;

    private Blas() {
    }

    /**
     * Sets OpenBLAS's thread count when it differs from the last one set. Not per call: changing
     * it costs 0.5-1 ms (measured), more than a small GEMM; OpenBLAS itself runs small products
     * on one thread.
     */
    static void useThreads(int n) {
        if (n != blasThreads) {
            blas_set_num_threads(n);
            blasThreads = n;
        }
    }

    /**
     * {@code c = alpha·op(a)·op(b) + beta·c}, {@code op} transposing when the flag is set.
     *
     * @throws IllegalArgumentException when the shapes do not fit, naming them
     */
    public static INDArray gemm(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c,
                                double alpha, double beta) {
        Checks.gemm(a, transA, b, transB, c);
        long m = transA ? a.size(1) : a.size(0);
        long k = transA ? a.size(0) : a.size(1);
        long n = transB ? b.size(0) : b.size(1);
        DataType t = c.dataType();
        if (!readable(a, t) || !readable(b, t) || !dense(c, t) || m > Integer.MAX_VALUE || n > Integer.MAX_VALUE
                || k > Integer.MAX_VALUE) {
            return Nd4j.gemm(a, b, c, transA, transB, alpha, beta);
        }
        Threads.configure();
        int ta = transA ? CblasTrans : CblasNoTrans;
        int tb = transB ? CblasTrans : CblasNoTrans;
        int lda = (int) a.size(1);
        int ldb = (int) b.size(1);
        int ldc = (int) n;
        if (t == DataType.FLOAT) {
            FloatPointer pa = (FloatPointer) a.data().addressPointer();
            FloatPointer pb = (FloatPointer) b.data().addressPointer();
            FloatPointer pc = (FloatPointer) c.data().addressPointer();
            splitSgemm(ta, tb, (int) m, (int) n, (int) k, (float) alpha, pa, lda, pb, ldb, (float) beta, pc, ldc);
        } else {
            cblas_dgemm(CblasRowMajor, ta, tb, (int) m, (int) n, (int) k, alpha,
                    (DoublePointer) a.data().addressPointer(), lda, (DoublePointer) b.data().addressPointer(), ldb,
                    beta, (DoublePointer) c.data().addressPointer(), ldc);
        }
        return c;
    }

    /**
     * {@code C = alpha·op(A)·op(B) + beta·C} on float32 matrices stored at element offsets
     * {@code aOff}, {@code bOff}, {@code cOff} of dense row-major arrays, with leading dimensions
     * {@code lda}, {@code ldb}, {@code ldc}: a recurrent layer's per-step products read and write
     * slabs of its whole-sequence buffers in place, with no view or copy per step. Split over the
     * cores as {@link #gemm}.
     *
     * @throws IllegalArgumentException when an array is not dense float32 or a matrix runs past its array
     */
    public static void sgemmAt(boolean transA, boolean transB, int m, int n, int k, float alpha, INDArray a, long aOff,
                               int lda, INDArray b, long bOff, int ldb, float beta, INDArray c, long cOff, int ldc) {
        if (!fitsAt(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc)) {
            return;
        }
        splitSgemm(transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, m, n, k, alpha,
                at((FloatPointer) a.data().addressPointer(), aOff), lda, at((FloatPointer) b.data().addressPointer(), bOff),
                ldb, beta, at((FloatPointer) c.data().addressPointer(), cOff), ldc);
    }

    /**
     * {@link #sgemmAt} as ONE single-threaded {@code cblas_sgemm}, never split: for kernels that
     * cut their own work over the cores ({@link io.jgrad.tensor.backend.Parallel}) and call this
     * from inside a part, where a split would only run its slabs one after the other, packing
     * {@code op(B)} once per slab.
     *
     * @throws IllegalArgumentException when an array is not dense float32 or a matrix runs past its array
     */
    public static void sgemmAtSerial(boolean transA, boolean transB, int m, int n, int k, float alpha, INDArray a,
                                     long aOff, int lda, INDArray b, long bOff, int ldb, float beta, INDArray c,
                                     long cOff, int ldc) {
        if (!fitsAt(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc)) {
            return;
        }
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, m, n, k,
                alpha, at((FloatPointer) a.data().addressPointer(), aOff), lda,
                at((FloatPointer) b.data().addressPointer(), bOff), ldb, beta,
                at((FloatPointer) c.data().addressPointer(), cOff), ldc);
    }

    /** Checks {@link #sgemmAt}'s operands; false when C is empty (nothing to do). */
    private static boolean fitsAt(boolean transA, boolean transB, int m, int n, int k, INDArray a, long aOff, int lda,
                                  INDArray b, long bOff, int ldb, INDArray c, long cOff, int ldc) {
        within("A", a, aOff, transA ? k : m, transA ? m : k, lda);
        within("B", b, bOff, transB ? n : k, transB ? k : n, ldb);
        within("C", c, cOff, m, n, ldc);
        Threads.configure();
        return m != 0 && n != 0;
    }

    /** Checks that a {@code rows × cols} matrix with leading dimension {@code ld} at {@code off} lies inside {@code x}. */
    private static void within(String name, INDArray x, long off, int rows, int cols, int ld) {
        boolean ok = Dense.readableRowMajor(x) && x.dataType() == DataType.FLOAT && off >= 0 && cols <= ld
                && (rows == 0 || off + (long) (rows - 1) * ld + cols <= x.length());
        if (!ok) {
            throw new IllegalArgumentException("Blas.sgemmAt: " + name + " " + rows + "x" + cols + " at offset " + off
                    + " (ld " + ld + ") does not fit a dense float32 array of " + x.length() + " elements ("
                    + x.dataType() + ")");
        }
    }

    /**
     * One float GEMM in parts on the cores {@link Threads#count()} allows ({@link Parallel}): C
     * is cut along its longer side into slabs of at least {@link #MIN_PART} rows or columns and
     * {@link #SPLIT_MACS}/2 multiply-adds each, rows (with the matching rows of op(A)) or columns
     * (with the matching columns of op(B)), each slab one single-threaded {@code cblas_sgemm}.
     * Each element of C is the same dot product as in the whole call, but OpenBLAS blocks the
     * slab shapes differently, so low bits depend on the cut: it depends only on the sizes and
     * the thread count.
     */
    private static void splitSgemm(int ta, int tb, int m, int n, int k, float alpha, FloatPointer a, int lda,
                                   FloatPointer b, int ldb, float beta, FloatPointer c, int ldc) {
        boolean rows = m >= n;
        long side = rows ? m : n;
        long perItem = (long) k * (rows ? n : m);        // multiply-adds per row (or column) of C
        long grain = Math.max(MIN_PART, (SPLIT_MACS / 2 + perItem - 1) / Math.max(1, perItem));
        Parallel.Partition parts = Parallel.partition(side, grain);
        if (rows) {
            Parallel.run("gemm", parts, (part, r0, r1) -> {
                // row r of op(A) starts at r·lda when A is not transposed, at column r when it is
                long aOff = ta == CblasNoTrans ? r0 * lda : r0;
                cblas_sgemm(CblasRowMajor, ta, tb, (int) (r1 - r0), n, k, alpha, at(a, aOff), lda, b, ldb, beta,
                        at(c, r0 * ldc), ldc);   // one part: the whole product
            });
        } else {
            Parallel.run("gemm", parts, (part, c0, c1) -> {
                // column j of op(B) starts at column j when B is not transposed, at row j·ldb when it is
                long bOff = tb == CblasNoTrans ? c0 : c0 * ldb;
                cblas_sgemm(CblasRowMajor, ta, tb, m, (int) (c1 - c0), k, alpha, a, lda, at(b, bOff), ldb, beta,
                        at(c, c0), ldc);
            });
        }
    }

    /**
     * {@code c[i] = alpha·op(a[i])·op(b[i])} for float32 {@code a [B, m, k]}, {@code b [B, k, n]}
     * (shapes already checked, {@code op} transposing the last two dimensions) into the dense
     * {@code c [B, m, n]}: one single-threaded {@code cblas_sgemm} per matrix, the matrices split
     * over the cores ({@link Parallel}), where {@code Nd4j.matmul} sets up a batched op per call
     * and the attention's small products ({@code 128×128×32}) leave OpenBLAS's threads idle.
     * Operands must be {@link Dense#readableRowMajor}; returns false (nothing written) otherwise.
     */
    public static boolean batchedSgemm(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c, double alpha) {
        if (!readable(a, DataType.FLOAT) || !readable(b, DataType.FLOAT) || !dense(c, DataType.FLOAT)) {
            return false;
        }
        int batch = (int) a.size(0);
        int m = (int) c.size(1);
        int n = (int) c.size(2);
        int k = (int) (transA ? a.size(1) : a.size(2));
        int lda = (int) a.size(2);
        int ldb = (int) b.size(2);
        long aStride = a.size(1) * a.size(2);
        long bStride = b.size(1) * b.size(2);
        long cStride = (long) m * n;
        Threads.configure();
        int ta = transA ? CblasTrans : CblasNoTrans;
        int tb = transB ? CblasTrans : CblasNoTrans;
        FloatPointer pa = (FloatPointer) a.data().addressPointer();
        FloatPointer pb = (FloatPointer) b.data().addressPointer();
        FloatPointer pc = (FloatPointer) c.data().addressPointer();
        long macs = Math.max(1, (long) m * n * k);
        Parallel.forRange("batchedGemm", batch, Math.max(1, (SPLIT_MACS / 2 + macs - 1) / macs), (i0, i1) -> {
            for (long i = i0; i < i1; i++) {
                cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, (float) alpha, at(pa, i * aStride), lda, at(pb, i * bStride),
                        ldb, 0f, at(pc, i * cStride), n);
            }
        });
        return true;
    }

    /**
     * {@code c[i, j] = alpha·op(a[i, j])·op(b[i, j])} for float32 4-d arrays
     * {@code [B1, B2, m, k] x [B1, B2, k, n] -> [B1, B2, m, n]} that may be strided views (each
     * matrix's rows contiguous: unit stride on the last axis, the row stride its leading
     * dimension), e.g. the heads {@code [N, H, L, D]} of an {@code [N, L, H·D]} array: one
     * single-threaded {@code cblas_sgemm} per matrix, the matrices split over the cores, reading
     * and writing the heads in place instead of through transposed copies. Only c's elements are
     * written, so c may be a view into a larger array (its matrices must not overlap). Returns
     * false (nothing written) for other layouts.
     */
    public static boolean stridedBatchedSgemm(INDArray a, boolean transA, INDArray b, boolean transB, double alpha,
                                              INDArray c) {
        if (!strided(a) || !strided(b) || !strided(c)) {
            return false;
        }
        int batch2 = (int) c.size(1);
        int m = (int) c.size(2);
        int n = (int) c.size(3);
        int k = (int) (transA ? a.size(2) : a.size(3));
        long[] sa = a.stride();
        long[] sb = b.stride();
        long[] sc = c.stride();
        Threads.configure();
        int ta = transA ? CblasTrans : CblasNoTrans;
        int tb = transB ? CblasTrans : CblasNoTrans;
        FloatPointer pa = at((FloatPointer) a.data().addressPointer(), start(a));
        FloatPointer pb = at((FloatPointer) b.data().addressPointer(), start(b));
        FloatPointer pc = at((FloatPointer) c.data().addressPointer(), start(c));
        long macs = Math.max(1, (long) m * n * k);
        Parallel.forRange("batchedGemmInto", c.size(0) * batch2, Math.max(1, (SPLIT_MACS / 2 + macs - 1) / macs),
                (i0, i1) -> {
                    for (long i = i0; i < i1; i++) {
                        long i1st = i / batch2;
                        long i2nd = i % batch2;
                        cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, (float) alpha,
                                at(pa, i1st * sa[0] + i2nd * sa[1]), (int) sa[2],
                                at(pb, i1st * sb[0] + i2nd * sb[1]), (int) sb[2], 0f,
                                at(pc, i1st * sc[0] + i2nd * sc[1]), (int) sc[2]);
                    }
                });
        return true;
    }

    /**
     * A float32 4-d array whose rows are contiguous (unit last stride, row stride at least the
     * row length, as BLAS's leading dimension needs), non-negative strides, inside its buffer.
     */
    private static boolean strided(INDArray x) {
        if (x.dataType() != DataType.FLOAT || x.rank() != 4 || x.length() == 0 || x.length() >= Integer.MAX_VALUE) {
            return false;
        }
        long[] s = x.stride();
        long last = start(x);
        for (int d = 0; d < 4; d++) {
            if (s[d] < 0) {
                return false;
            }
            last += (x.size(d) - 1) * s[d];
        }
        return (s[3] == 1 || x.size(3) == 1) && s[2] >= x.size(3) && s[2] < Integer.MAX_VALUE
                && last < x.data().length();
    }

    /**
     * Where x's first element is past its buffer's address: ND4J gives an indexed view
     * ({@code get}) a buffer of its own that starts at the view's offset, and a reshape or permute
     * the array's buffer with the offset in the array.
     */
    private static long start(INDArray x) {
        return x.offset() - x.data().offset();
    }

    /** A pointer {@code offset} floats past {@code p} (JavaCPP passes address + position to C). */
    private static FloatPointer at(FloatPointer p, long offset) {
        return offset == 0 ? p : new FloatPointer(p).position(p.position() + offset);
    }

    /** Dense row-major float32/float64 of type {@code t}, owning its buffer from offset 0. */
    /** A read-only operand: {@link #dense}, or a whole-buffer view with canonical strides (a reshape's result). */
    private static boolean readable(INDArray x, DataType t) {
        return x.dataType() == t && (t == DataType.FLOAT || t == DataType.DOUBLE) && Dense.readableRowMajor(x)
                && x.length() > 0;
    }

    private static boolean dense(INDArray x, DataType t) {
        return x.dataType() == t && (t == DataType.FLOAT || t == DataType.DOUBLE) && Dense.rowMajor(x) && x.length() > 0;
    }
}
