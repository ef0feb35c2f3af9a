package io.jgrad.tensor;

import io.jgrad.tensor.backend.Dense;
import io.jgrad.tensor.backend.HostSpan;
import io.jgrad.tensor.backend.Parallel;
import io.jgrad.tensor.backend.Transfers;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Fused element-wise loops on the JVM over ND4J's native memory, a cache-sized chunk at a time:
 * each chunk is bulk-copied into small heap arrays, updated by a plain Java loop (which the JIT
 * vectorizes), and copied back. Memory traffic is that of one fused kernel (every array read
 * once, every output written once) and the cost is one pass, where the same update written as
 * ND4J calls costs one native call and one full pass per arithmetic step (10 for Adam).
 *
 * <p>Only for dense row-major float32 arrays ({@link Dense#float32}); callers fall back to ND4J
 * ops otherwise. A kernel of the {@code cpu} backend, called only through its {@code Ops}.
 */
public final class HostChunks {
    /**
     * Elements per chunk: four float arrays of this size (16 KB) and the native lines they are
     * copied from (16 KB more) stay together in a 48 KB L1 cache. At 2048 they did not (64 KB):
     * the copies of W1's Adam pass took ~0.95 ns a value against ~0.75 at 1024, and the whole
     * pass ~1.6 against ~1.35 (bench/README.md, "Optimizer updates, seventh pass").
     */
    public static final int CHUNK = 1024;
    /**
     * Passes over at least this many elements are split over two cores ({@link Parallel}) when
     * {@link Threads} allows, and each further part needs half as many more: ~0.1 ms and more of
     * memory traffic for a split in two (e.g. Adam on a 784×256 weight and larger), where the
     * hand-off is a small fraction. Parts are whole chunks. Kernels must treat elements
     * independently (all of jgrad's do), so the result does not depend on the cut.
     */
    public static final int SPLIT_ELEMENTS = 1 << 17;

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[4][CHUNK]);

    private HostChunks() {
    }

    /** A chunk-wise kernel over up to four arrays' chunks {@code a[0..n)}. */
    @FunctionalInterface
    public interface Kernel {
        void apply(float[][] chunks, int n);
    }

    /**
     * Runs {@code kernel} over {@code arrays} (all {@link Dense#float32All dense float32}, at most four) chunk by
     * chunk: chunk {@code k} of array {@code i} is {@code chunks[i][0..n)}; after the kernel,
     * the chunks of the arrays flagged in {@code written} are copied back. Long passes run in
     * parts concurrently, so {@code kernel} must not carry state from chunk to chunk. {@code op}
     * names the kernel in a failure.
     */
    public static void run(String op, Kernel kernel, boolean[] written, INDArray... arrays) {
        if (arrays.length > 4 || written.length != arrays.length) {
            throw new IllegalArgumentException(op + ": HostChunks.run needs up to 4 dense float32 arrays of one length");
        }
        runParts(op, (from, to) -> pass(kernel, written, arrays, from, to), arrays);
    }

    /** A pass over elements {@code [from, to)} (whole chunks but the last) that does its own copying. */
    @FunctionalInterface
    public interface Part {
        void run(int from, int to);
    }

    /**
     * Runs {@code part} over {@code arrays} (all {@link Dense#float32All dense float32}) cut as
     * {@link #run} cuts them: for a kernel that moves its chunks itself (Adam's, which also reads
     * some of them as bits, {@link AdamPass}). {@code op} names the kernel in a failure.
     */
    public static void runParts(String op, Part part, INDArray... arrays) {
        if (!Dense.float32All(arrays)) {
            throw new IllegalArgumentException(op + ": HostChunks needs dense float32 arrays of one length");
        }
        int total = (int) arrays[0].length();
        long chunks = (total + CHUNK - 1) / CHUNK;
        Parallel.forRange(op, chunks, SPLIT_ELEMENTS / 2 / CHUNK,
                (c0, c1) -> part.run((int) c0 * CHUNK, (int) Math.min(total, c1 * CHUNK)));
    }

    /** This thread's four chunk-sized float arrays (the ones {@link #run}'s kernels get). */
    static float[][] scratch() {
        return SCRATCH.get();
    }

    /**
     * The chunks of elements {@code [from, to)}, with this thread's scratch arrays. One loop, the
     * up-to-four arrays unrolled: a loop over the arrays inside the chunk loop gave C2 three more
     * loops to compile on-stack-replacement entries for, and profile-based predicates to trap on
     * (six compiles of this method in W1's first two epochs, against two now).
     */
    private static void pass(Kernel kernel, boolean[] written, INDArray[] arrays, int from, int to) {
        float[][] c = scratch();
        int k = arrays.length;
        HostSpan s0 = Transfers.hostView(arrays[0]);
        HostSpan s1 = k > 1 ? Transfers.hostView(arrays[1]) : null;
        HostSpan s2 = k > 2 ? Transfers.hostView(arrays[2]) : null;
        HostSpan s3 = k > 3 ? Transfers.hostView(arrays[3]) : null;
        boolean w0 = written[0];
        boolean w1 = k > 1 && written[1];
        boolean w2 = k > 2 && written[2];
        boolean w3 = k > 3 && written[3];
        for (int at = from; at < to; at += CHUNK) {
            int n = Math.min(CHUNK, to - at);
            s0.get(at, c[0], 0, n);
            if (s1 != null) {
                s1.get(at, c[1], 0, n);
            }
            if (s2 != null) {
                s2.get(at, c[2], 0, n);
            }
            if (s3 != null) {
                s3.get(at, c[3], 0, n);
            }
            kernel.apply(c, n);
            if (w0) {
                s0.put(at, c[0], 0, n);
            }
            if (w1) {
                s1.put(at, c[1], 0, n);
            }
            if (w2) {
                s2.put(at, c[2], 0, n);
            }
            if (w3) {
                s3.put(at, c[3], 0, n);
            }
        }
    }
}
