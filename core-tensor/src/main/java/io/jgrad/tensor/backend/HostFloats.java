package io.jgrad.tensor.backend;

import io.jgrad.tensor.StepScope;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bulk copies between dense float32 ND4J arrays and JVM arrays for the CPU backend's kernels
 * (whole small arrays, or a worker's own runs of planes), plus the per-thread scratch those
 * kernels reuse from step to step (a GEMM's column matrix is tens of MB; allocating it fresh
 * every step costs page faults and cold caches).
 */
final class HostFloats {
    /** Scratch slots a kernel reads its input, its second input and builds its output in (0–2 are the conv's). */
    static final int IN = 3;
    static final int IN2 = 4;
    static final int OUT = 5;
    /** A further slot, for the previous contents of an accumulated-into buffer. */
    static final int OLD = 6;
    /** A slot for a convolution's weight-gradient parts, one block per part, on the calling thread. */
    static final int DW = 7;
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[8][0]);
    private static final ThreadLocal<INDArray[]> NATIVE = ThreadLocal.withInitial(() -> new INDArray[2]);

    private HostFloats() {
    }

    /** Whether {@code a} is dense row-major float32 owning its buffer from offset 0. */
    static boolean fits(INDArray a) {
        return a != null && a.dataType() == DataType.FLOAT && a.ordering() == 'c' && !a.isView() && a.offset() == 0
                && a.data().length() == a.length();
    }

    /**
     * Whether a kernel may READ {@code a} in place: {@link #fits}, or a view covering its whole buffer
     * with the canonical strides ({@link Dense#readableRowMajor}: a reshape of a dense array, as
     * {@code Flatten}'s and {@code Unflatten}'s results and their gradients are). Copying such a view
     * first cost W6 a fresh, zeroed 1.6 MB array from ND4J each step (its pages faulted in anew).
     * Never for an array a kernel writes.
     */
    static boolean readable(INDArray a) {
        return fits(a) || a != null && a.dataType() == DataType.FLOAT && Dense.readableRowMajor(a);
    }

    /** The elements of a float32 array, row-major (one bulk copy when it {@link #fits}). */
    static float[] read(INDArray a) {
        return read(a, new float[(int) a.length()]);
    }

    /**
     * The elements of a float32 array, row-major, in the first {@code a.length()} entries of
     * {@code into} (a reused array), which is returned.
     */
    static float[] read(INDArray a, float[] into) {
        INDArray d = dense(a);
        Transfers.hostView(d).get(0, into, 0, (int) d.length());
        return into;
    }

    /**
     * The elements of a float32 array, row-major, in the calling thread's scratch {@code slot} (its
     * first {@code a.length()} entries): for an op's operands read every step (a convolution's
     * weight), which would otherwise be a new heap array each time.
     */
    static float[] readInto(INDArray a, int slot) {
        return read(a, scratch(slot, (int) a.length()));
    }

    /** A new float32 array (a {@link StepScope} temporary) holding {@code data}. */
    static INDArray write(float[] data, long... shape) {
        INDArray a = StepScope.newArray(DataType.FLOAT, shape);
        if (data.length > 0) {
            Transfers.hostView(a).put(0, data, 0, (int) a.length());
        }
        return a;
    }

    /**
     * A float32 array holding {@code data}, leased from the {@link BufferCache} (not a {@link StepScope}
     * temporary): an op's own operand, which the op {@linkplain BufferCache.Leased#release releases}
     * when it is done with it (otherwise the collector returns it).
     */
    static BufferCache.Leased lease(float[] data, long... shape) {
        BufferCache.Leased a = BufferCache.lease(DataType.FLOAT, shape);
        if (data.length > 0) {
            Transfers.hostView(a.array()).put(0, data, 0, (int) a.array().length());
        }
        return a;
    }

    /**
     * Copies {@code count} runs of {@code len} floats, the i-th from native offset {@code first + i·stride},
     * into {@code dst[0 ..< count·len]}: one channel's planes of an {@code [N, C, H, W]} array, or (stride
     * {@code len}) a contiguous block. Absolute bulk gets, so threads may share {@code src}.
     */
    static void gather(HostSpan src, long first, long stride, int count, int len, float[] dst) {
        for (int i = 0; i < count; i++) {
            src.get((int) (first + i * stride), dst, i * len, len);
        }
    }

    /**
     * The inverse of {@link #gather}, accumulating: native run {@code i} becomes
     * {@code beta·run + data[i·len ..]}, the old runs read through the calling thread's {@link #OLD} slot.
     */
    static void scatter(float[] data, HostSpan dst, long first, long stride, int count, int len, double beta) {
        if (beta != 0) {
            float[] old = scratch(OLD, count * len);
            gather(dst, first, stride, count, len, old);
            float b = (float) beta;
            for (int i = 0; i < count * len; i++) {
                data[i] = beta == 1 ? old[i] + data[i] : b * old[i] + data[i];
            }
        }
        for (int i = 0; i < count; i++) {
            dst.put((int) (first + i * stride), data, i * len, len);
        }
    }

    /** {@code a} when it is {@link #readable}, else a dense copy (so kernels can read it by offset). */
    static INDArray dense(INDArray a) {
        return readable(a) ? a : a.dup('c');
    }

    /** Where a kernel writes a gradient bound for {@code dst}: {@code dst} when it {@link #fits}, else a new array. */
    static INDArray direct(INDArray dst) {
        return fits(dst) ? dst : StepScope.newArray(DataType.FLOAT, dst.shape());
    }

    /** The beta to write {@link #direct}'s array with: {@code beta} into {@code dst} itself, else 0. */
    static double betaFor(INDArray dst, INDArray direct, double beta) {
        return direct == dst ? beta : 0;
    }

    /** Folds a {@link #direct} array that is not {@code dst} into it: {@code dst = beta·dst + direct}. */
    static void settle(INDArray dst, INDArray direct, double beta) {
        if (direct != dst) {
            ConvOps.accumulate(dst, beta, direct);
        }
    }

    /** Scratch JVM array {@code slot} of at least {@code n} floats, reused by the calling thread. */
    static float[] scratch(int slot, int n) {
        float[][] s = SCRATCH.get();
        if (s[slot].length < n) {
            s[slot] = new float[n];
        }
        return s[slot];
    }

    /** Scratch native float32 array {@code slot} of at least {@code n} elements, reused by the calling thread. */
    static INDArray nativeScratch(int slot, long n) {
        INDArray[] s = NATIVE.get();
        if (s[slot] == null || s[slot].length() < n) {
            s[slot] = Nd4j.createUninitialized(DataType.FLOAT, new long[] {Math.max(n, 1)}, 'c');
        }
        return s[slot];
    }
}
