package io.jgrad.tensor.backend;

import java.lang.ref.Reference;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The native memory of a dense float32 array on the {@code cpu} backend, read and written by
 * host kernels in bulk: absolute copies between it and JVM arrays, bounds-checked on both sides,
 * as {@code FloatBuffer}'s absolute bulk {@code get}/{@code put} are.
 *
 * <p>Why not a {@code FloatBuffer} view: making one goes through ND4J's {@code asNio()} and
 * JavaCPP's {@code Pointer.asByteBuffer()}, whose element size is looked up in hash maps by class
 * and field name, and the buffer's own constructors. Every kernel that made views carried that
 * code into its compiled form: ~1.5 KB of inlined bytecode per view, 7–8 KB in each of the bias
 * add, the column sums and Adam's pass, which made them C2's three longest compiles in W3's first
 * block (0.1–0.16 s each, on the second core while the step runs on the first; bench/README.md,
 * "Smaller compiles"). A span is an address and a length: its copies are one intrinsic each.
 *
 * <p>A span holds its array's buffer and keeps it reachable through every copy, so the collector
 * cannot free the memory under a copy.
 */
public final class HostSpan {
    private static final sun.misc.Unsafe U = unsafe();
    private static final long FLOATS = U.arrayBaseOffset(float[].class);
    private static final long INTS = U.arrayBaseOffset(int[].class);

    private final Object owner;
    private final long address;
    private final int length;

    private HostSpan(Object owner, long address, int length) {
        this.owner = owner;
        this.address = address;
        this.length = length;
    }

    /**
     * The span of {@code a}'s memory: its buffer's first {@code a.length()} elements. {@code a} must be
     * float32 in host memory, start at its buffer's offset 0 and have fewer than 2³¹ elements
     * (callers check {@link Dense#float32} or {@link Dense#readableRowMajor} first); anything else
     * is refused here, as a buffer view's own bounds refused it, rather than read past its memory.
     */
    static HostSpan of(INDArray a) {
        long n = a.length();
        DataBuffer data = a.data();
        if (data == null || data.dataType() != DataType.FLOAT || data.offset() != 0 || n > data.length()
                || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("HostSpan: " + a.dataType() + " " + Arrays.toString(a.shape())
                    + (data == null ? " without a buffer" : " over " + data.length() + " elements from offset " + data.offset())
                    + "; a host kernel takes a float32 array from its buffer's start, of fewer than 2^31 elements");
        }
        return new HostSpan(data, data.address(), (int) n);
    }

    /** Elements in the span. */
    public int length() {
        return length;
    }

    /** Copies elements {@code [index, index + n)} into {@code dst[off, off + n)}. */
    public void get(int index, float[] dst, int off, int n) {
        fromNative(index, dst, FLOATS, dst.length, off, n);
    }

    /** Copies {@code dst.length} elements from {@code index} into {@code dst}. */
    public void get(int index, float[] dst) {
        get(index, dst, 0, dst.length);
    }

    /** Copies {@code src[off, off + n)} into elements {@code [index, index + n)}. */
    public void put(int index, float[] src, int off, int n) {
        toNative(index, src, FLOATS, src.length, off, n);
    }

    /** Copies all of {@code src} into the elements from {@code index}. */
    public void put(int index, float[] src) {
        put(index, src, 0, src.length);
    }

    /** Elements {@code [index, index + n)} as their bit patterns ({@code Float.floatToRawIntBits}) into {@code dst[off, ...)}. */
    public void getBits(int index, int[] dst, int off, int n) {
        fromNative(index, dst, INTS, dst.length, off, n);
    }

    /** Bit patterns {@code src[off, off + n)} into elements {@code [index, index + n)} ({@code Float.intBitsToFloat}). */
    public void putBits(int index, int[] src, int off, int n) {
        toNative(index, src, INTS, src.length, off, n);
    }

    /** {@code n} elements from {@code index} into the JVM array {@code array} (4-byte elements from {@code base}) at {@code off}. */
    private void fromNative(int index, Object array, long base, int arrayLength, int off, int n) {
        Objects.checkFromIndexSize(index, n, length);
        Objects.checkFromIndexSize(off, n, arrayLength);
        U.copyMemory(null, address + 4L * index, array, base + 4L * off, 4L * n);
        Reference.reachabilityFence(owner);
    }

    /** The inverse of {@link #fromNative}. */
    private void toNative(int index, Object array, long base, int arrayLength, int off, int n) {
        Objects.checkFromIndexSize(index, n, length);
        Objects.checkFromIndexSize(off, n, arrayLength);
        U.copyMemory(array, base + 4L * off, null, address + 4L * index, 4L * n);
        Reference.reachabilityFence(owner);
    }

    private static sun.misc.Unsafe unsafe() {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
