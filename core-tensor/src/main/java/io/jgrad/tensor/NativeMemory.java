package io.jgrad.tensor;

import java.util.concurrent.atomic.AtomicLong;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a plain training loop's native memory flat without any scope in user code.
 *
 * <p>Why: ND4J frees an array's native buffer only after the garbage collector has collected
 * its Java object, and the collector runs when the Java heap fills, not native memory. Measured
 * on the plain loop of issue 10 (784→32→10, Adam, batch 16): each step leaves 12 dead native
 * buffers (~55 KB: the batch, activations, the loss) and about as much Java garbage; G1 grows
 * its young generation towards 100 MB and more, so thousands of steps pass between collections,
 * and resident memory ratchets up with the largest backlog so far (279 MiB at step 10,000,
 * 462 MiB at 60,000; 1 GiB at 100,000 in the issue). With a collection every ~1,200 steps it
 * stays at 180-195 MiB.
 *
 * <p>So, like the JDK for direct buffers and JavaCPP for its pointers, jgrad counts the bytes of
 * the temporaries it allocates outside a {@link StepScope} (op results, batches, tensors made
 * from Java arrays) and, once {@link #budgetBytes} have been allocated since the last
 * collection, asks for one ({@code System.gc()}). That is a full, stop-the-world collection:
 * 35-75 ms under G1 (100-300 ms under the parallel collector) in a plain loop that keeps
 * Fashion-MNIST on the heap, whatever the backlog (it is the live heap that costs). At the old
 * fixed 0.5 s spacing that was ~10% of a small model's time, so requests are now spaced 20 times
 * the last collection's duration apart, within 0.5 s to 2 s (about 5% at most); a model with
 * megabytes of activations per step holds at most that long's worth. (-XX:+ExplicitGCInvokesConcurrent
 * was measured too: many short pauses, no less time in all.)
 * Override the budget with {@code -Djgrad.nativeBudgetMiB=N} ({@code 0} turns this off); under
 * {@code -XX:+DisableExplicitGC} the requests do nothing and the old growth returns.
 */
public final class NativeMemory {
    private static final Logger LOG = LoggerFactory.getLogger(NativeMemory.class);
    /** Default budget of temporaries between forced collections. */
    static final long DEFAULT_BUDGET_MIB = 32;
    /** Forced collections are at least this far apart. */
    static final long MIN_INTERVAL_NANOS = 500_000_000L;
    /** ... and need not be further apart than this, however long the last one took. */
    static final long MAX_INTERVAL_NANOS = 2_000_000_000L;

    private static final long BUDGET = budgetFromProperty();
    private static final AtomicLong SINCE_GC = new AtomicLong();
    private static volatile long lastEndNanos = System.nanoTime();
    private static volatile long lastDurationNanos;
    private static volatile long collections;

    private NativeMemory() {
    }

    /** A new row-major array with undefined contents, counted as a temporary. */
    static INDArray newTemporary(DataType type, long... shape) {
        INDArray a = Nd4j.createUninitialized(type, shape, 'c');
        allocated(a.length() * type.width());
        return a;
    }

    /** Records {@code bytes} of native temporaries; may run a collection (see the class comment). */
    public static void allocated(long bytes) {
        if (BUDGET <= 0 || SINCE_GC.addAndGet(bytes) < BUDGET) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastEndNanos < interval(lastDurationNanos)) {
            return;
        }
        synchronized (NativeMemory.class) {
            if (SINCE_GC.get() < BUDGET) {
                return;                               // another thread just collected
            }
            SINCE_GC.set(0);
            long t0 = System.nanoTime();
            System.gc();
            long end = System.nanoTime();
            lastDurationNanos = end - t0;
            lastEndNanos = end;
            collections++;
            LOG.trace("collection {} for native temporaries took {} ms", collections, lastDurationNanos / 1e6);
        }
    }

    /** The least time between two forced collections, given the last one's duration. */
    static long interval(long lastDuration) {
        return Math.max(MIN_INTERVAL_NANOS, Math.min(MAX_INTERVAL_NANOS, 20 * lastDuration));
    }

    /** The budget in bytes ({@code 0}: off). */
    public static long budgetBytes() {
        return BUDGET;
    }

    /** How many collections jgrad has asked for so far. */
    public static long collections() {
        return collections;
    }

    private static long budgetFromProperty() {
        String v = System.getProperty("jgrad.nativeBudgetMiB");
        if (v == null || v.isBlank()) {
            return DEFAULT_BUDGET_MIB << 20;
        }
        try {
            long mib = Long.parseLong(v.trim());
            if (mib >= 0) {
                return mib << 20;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("NativeMemory: -Djgrad.nativeBudgetMiB must be a non-negative integer, got '"
                + v + "'");
    }
}
