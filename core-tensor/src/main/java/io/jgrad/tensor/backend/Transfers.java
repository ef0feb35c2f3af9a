package io.jgrad.tensor.backend;

import java.util.concurrent.atomic.AtomicLong;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * The one chokepoint through which jgrad moves values between ND4J memory and the JVM, and the
 * counter behind {@link Backend#hostTransfers()}. On a GPU each of these calls is a PCIe copy
 * and a stalled device, so they are kept countable: every read of elements into the JVM
 * ({@code item()}, {@code toFloatArray()}, a host kernel's view of native memory on the
 * {@code cpu} backend) and every write of JVM values into an array ({@code Tensor.of}, a batch
 * gather) goes through a method here and adds one to the count, whatever its size.
 *
 * <p>The bulk copies and {@link #hostView} exist only where ND4J's memory is host memory
 * (its CPU backend); elsewhere the reads go through ND4J's own buffer API.
 *
 * <p>Not counted: creating an array filled with a constant ({@code zeros}, {@code valueArrayOf})
 * and scalar kernel arguments (a learning rate), which ND4J passes with the kernel launch.
 *
 * <p>The counters are {@link AtomicLong}s, not {@code LongAdder}s: a {@code LongAdder} compiled
 * into a hot kernel assumes its cells are absent until two threads first collide on it, and that
 * first collision (a host kernel's parts running on two cores, at a moment of chance) then
 * invalidated every compiled method that inlined the count (nine of W2's, HostChunks' pass and
 * the batch-norm and loss kernels among them), costing ~1 s of recompilation in a timed epoch
 * (bench/README.md, "MLP loops, fifth pass"). A few counts a step on one contended line cost less.
 */
public final class Transfers {
    private static final AtomicLong READS = new AtomicLong();
    private static final AtomicLong UPLOADS = new AtomicLong();
    /** Whether ND4J's buffers live in host memory, so a bulk copy by address may read them. */
    private static final boolean HOST_MEMORY = Nd4j.getEnvironment().isCPU();

    private Transfers() {
    }

    /** How many transfers jgrad has made since start-up. */
    static long count() {
        return READS.get() + UPLOADS.get();
    }

    /** How many of them moved values from ND4J memory into the JVM (host views included). */
    static long reads() {
        return READS.get();
    }

    /** How many of them moved JVM values into ND4J memory. */
    static long uploads() {
        return UPLOADS.get();
    }

    private static void counted() {
        READS.incrementAndGet();
    }

    private static void uploaded() {
        UPLOADS.incrementAndGet();
    }

    // ---------------------------------------------------------------- device to JVM

    /** The elements of {@code a} in row-major order, as floats (one transfer). */
    public static float[] readFloats(INDArray a) {
        counted();
        if (HOST_MEMORY && Dense.float32(a)) {
            float[] f = new float[(int) a.length()];
            HostSpan.of(a).get(0, f);
            return f;
        }
        return a.dup('c').data().asFloat();
    }

    /** The elements of {@code a} in row-major order, as doubles (one transfer). */
    public static double[] readDoubles(INDArray a) {
        counted();
        if (HOST_MEMORY && Dense.float32(a)) {
            int n = (int) a.length();
            float[] f = new float[n];
            HostSpan.of(a).get(0, f);
            return widened(f);
        }
        return (Dense.rowMajor(a) ? a : a.dup('c')).data().asDouble();
    }

    /**
     * {@code f} as doubles. A loop of its own, apart from the native reads and writes of its
     * callers, so that the JIT's compiles of either stay small (bench/README.md, "First blocks and
     * the JIT").
     */
    public static double[] widened(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** {@code d} rounded to floats; a loop of its own, as {@link #widened}. */
    public static float[] narrowed(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** The elements of the INT64 array {@code a} in row-major order (one transfer). */
    public static long[] readLongs(INDArray a) {
        counted();
        return (Dense.rowMajor(a) ? a : a.dup('c')).data().asLong();
    }

    /** The element at the flat row-major {@code index} of {@code a}, as a double (one transfer). */
    public static double readDouble(INDArray a, long index) {
        counted();
        return a.rank() < 2 ? a.getDouble(index) : a.getDouble(Shape.ind2subC(a, index));
    }

    /**
     * Whether {@code a} holds a NaN ({@code "NaN"}), else an infinity ({@code "Inf"}), else null:
     * reductions on the device and one or two counted reads of their answers.
     */
    public static String nonFinite(INDArray a) {
        counted();
        if (BooleanIndexing.or(a, Conditions.isNan())) {
            return "NaN";
        }
        counted();
        return BooleanIndexing.or(a, Conditions.isInfinite()) ? "Inf" : null;
    }

    /**
     * The native memory of the dense float32 array {@code a}, for a host kernel of the {@code cpu}
     * backend to read and write in bulk (one transfer per span).
     */
    public static HostSpan hostView(INDArray a) {
        counted();
        return HostSpan.of(a);
    }

    // ---------------------------------------------------------------- JVM to device

    /** Copies {@code src} into the float32 array {@code dst} of {@code src.length} elements, row-major (one transfer). */
    public static void write(float[] src, INDArray dst) {
        uploaded();
        if (Dense.float32(dst) && dst.length() == src.length) {
            dst.data().setData(src);
        } else {
            dst.assign(Nd4j.create(src, dst.shape(), 'c'));
        }
    }

    /**
     * A new float32 array holding {@code data} in row-major order (one transfer). Through
     * {@code Nd4j.createBuffer}, which copies the Java array in one block (~0.1 ms for a 128×784
     * batch against ~1 ms for {@code Nd4j.create(float[], shape, order)}).
     */
    public static INDArray upload(float[] data, long... shape) {
        uploaded();
        return Nd4j.create(Nd4j.createBuffer(data), shape);
    }

    /** A new float64 array holding {@code data} in row-major order (one transfer). */
    public static INDArray upload(double[] data, long... shape) {
        uploaded();
        return Nd4j.create(data, shape, 'c');
    }

    /** Sets the element at the flat row-major {@code index} of {@code a} to {@code v} (one transfer). */
    public static void writeDouble(INDArray a, long index, double v) {
        uploaded();
        if (a.rank() < 2) {
            a.putScalar(index, v);
        } else {
            a.putScalar(Shape.ind2subC(a, index), v);
        }
    }

    /** A new int32 vector holding {@code data} (indices; one transfer). */
    public static INDArray upload(int[] data) {
        uploaded();
        return Nd4j.createFromArray(data);
    }

    /** A new INT64 array of {@code shape} holding {@code data} in row-major order (one transfer). */
    public static INDArray uploadLongs(long[] data, long... shape) {
        uploaded();
        if (shape.length == 0) {
            return Nd4j.scalar(DataType.LONG, data[0]);
        }
        return Nd4j.createFromArray(data).reshape('c', shape);
    }

    /** A new scalar (shape {@code []}) of {@code type} holding {@code v} (one transfer). */
    public static INDArray uploadScalar(DataType type, double v) {
        uploaded();
        return Nd4j.scalar(type, v);
    }
}
