package io.jgrad.tensor;

import io.jgrad.tensor.backend.Backend;
import java.util.concurrent.atomic.AtomicLong;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
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
 * collection, asks for one ({@code System.gc()}), at least 50 ms and twice the last one's
 * duration after it (so collections take at most a third of the time, even on a busy machine).
 * So the backlog of dead temporaries is about one budget whatever the step rate. It used to be
 * spaced by eight times the last collection's duration, up to 0.5 s, and let the backlog reach
 * three budgets: the backlog then grew with the step rate, from ~40 MiB of blocks at the JIT's
 * ~3,000 steps/s to ~105 MiB at 5,000, and the plain loop's resident size with it (+60–80 MiB from
 * step 2,000 to step 10,000). Collecting every budget costs that loop 2–4% and W3 ~4% (twice the
 * collections, each a little shorter), W1 and W2 nothing measurable (bench/README.md,
 * "Collections by the budget"). The nd4j backend keeps the old spacing ({@link #spacing}).
 * Under the cpu backend these temporaries live in
 * {@link io.jgrad.tensor.backend.BufferCache} blocks, which such a collection hands back to the
 * cache for the next steps' arrays (issue 23: no fresh native allocation in a steady step).
 * <p>That count sees only what jgrad allocates itself; ND4J's own ops allocate their results
 * natively too, uncounted (and JavaCPP's {@code maxBytes} does not see ND4J's buffers either). A
 * Transformer step makes hundreds of MB of them, and {@code ./jgrad lm} held 8–9 GiB resident
 * before this guard. So, at most every 100 ms, jgrad also reads the resident size
 * ({@code Pointer.physicalBytes()}, a few microseconds) and asks for a collection when it has grown
 * by more than {@link #RESIDENT_SLACK_MIB} MiB or half again over what it was after the last one
 * ({@link #checkResident()}), paced like the other collections.
 *
 * <p>Override the budget with {@code -Djgrad.nativeBudgetMiB=N} ({@code 0} turns both off). Under
 * {@code -XX:+DisableExplicitGC} (a common production flag) the requests do nothing and the old
 * growth returns: jgrad says so once, when it starts, with what to do ({@link #explicitGcDisabled}).
 */
public final class NativeMemory {
    private static final Logger LOG = LoggerFactory.getLogger(NativeMemory.class);
    /** Default budget of temporaries between forced collections. */
    static final long DEFAULT_BUDGET_MIB = 32;
    /** Forced collections are at least this far apart ... */
    static final long MIN_INTERVAL_NANOS = 50_000_000L;
    /** ... and at least this many times the last one's duration (collections take at most a third of the time). */
    static final int INTERVAL_PER_DURATION = 2;

    /** The nd4j backend's spacing ({@link #spacing}): this many times the last duration, at most this long, ... */
    static final int ND4J_INTERVAL_PER_DURATION = 8;
    static final long ND4J_MAX_INTERVAL_NANOS = 500_000_000L;
    /** ... until this many budgets are spent. */
    static final int ND4J_BACKLOG_BUDGETS = 3;
    /** Whether the cpu backend's rule ({@link #spacing}) spaces forced collections. */
    private static final boolean CPU_RULE = Backend.current() == Backend.CPU;

    /** Growth of the resident size over its level after the last collection that asks for another. */
    static final long RESIDENT_SLACK_MIB = 256;
    /** How often the resident size is read at most. */
    private static final long RESIDENT_CHECK_NANOS = 100_000_000L;

    private static final long BUDGET = budgetFromProperty();
    private static volatile long lastResidentCheck = System.nanoTime();
    /** The resident size measured after the last collection settled; -1: to be measured at the next check. */
    private static volatile long residentAfterGc = -1;
    static {
        // initialised from Threads' start-up, before the first tensor: the warning comes once, at start
        if (BUDGET > 0 && explicitGcDisabled()) {
            LOG.warn("jgrad: the JVM runs with -XX:+DisableExplicitGC, so jgrad cannot pace garbage collections "
                    + "for ND4J's native memory: a plain training loop's resident memory then grows with the "
                    + "backlog of dead arrays between the collector's own runs (hundreds of MiB over long runs). "
                    + "Drop the flag, or use -XX:+ExplicitGCInvokesConcurrent instead, or train with Trainer or "
                    + "wrap each step in a StepScope, which free a step's temporaries when it ends.");
        }
    }
    private static final AtomicLong SINCE_GC = new AtomicLong();
    private static volatile long lastEndNanos = System.nanoTime();
    private static volatile long lastDurationNanos;
    private static volatile long collections;

    private NativeMemory() {
    }

    /** A new row-major array with undefined contents, counted as a temporary. */
    static INDArray newTemporary(DataType type, long... shape) {
        io.jgrad.tensor.backend.BufferCache.Leased lease = io.jgrad.tensor.backend.BufferCache.lease(type, shape);
        INDArray a = lease.array();
        EarlyRelease.made(lease, true);
        allocated(a.length() * type.width());
        return a;
    }

    /**
     * Takes {@code bytes} of temporaries off the count: their memory went back to the cache early
     * ({@link EarlyRelease}), so they are no garbage a collection must find. Not below zero.
     */
    static void released(long bytes) {
        SINCE_GC.getAndUpdate(v -> Math.max(0, v - bytes));
    }

    /** Records {@code bytes} of native temporaries; may run a collection (see the class comment). */
    public static void allocated(long bytes) {
        if (BUDGET <= 0) {
            return;
        }
        if (SINCE_GC.addAndGet(bytes) < BUDGET) {
            checkResident();
            return;
        }
        if (System.nanoTime() - lastEndNanos < spacing(SINCE_GC.get())) {
            return;
        }
        synchronized (NativeMemory.class) {
            if (SINCE_GC.get() < BUDGET) {
                return;                               // another thread just collected
            }
            collect();
        }
    }

    /**
     * At most every 100 ms: reads the resident size and collects when it has grown by more than
     * {@link #RESIDENT_SLACK_MIB} MiB and half again over its level after the last collection
     * (ND4J's own uncounted results; see the class comment). Called per temporary and per
     * {@link StepScope} close.
     */
    static void checkResident() {
        long now = System.nanoTime();
        if (BUDGET <= 0 || now - lastResidentCheck < RESIDENT_CHECK_NANOS) {
            return;
        }
        lastResidentCheck = now;
        long rss = org.bytedeco.javacpp.Pointer.physicalBytes();
        long base = residentAfterGc;
        if (base < 0) {
            residentAfterGc = rss;                    // the level the last collection left
            return;
        }
        if (rss - base > (RESIDENT_SLACK_MIB << 20) && now - lastEndNanos >= spacing(0)) {
            synchronized (NativeMemory.class) {
                collect();
            }
        }
    }

    /**
     * How far apart forced collections must be with {@code since} bytes of temporaries counted:
     * under the cpu backend twice the last one's duration, and at least 50 ms. Under the nd4j backend, the sparser rule it was
     * validated with: eight times the last collection's duration, at most 0.5 s, or only 50 ms once
     * three budgets are spent. There every array is ND4J's own, and each collection hands ND4J's
     * deallocator threads their buffers to free while the step goes on; ND4J 1.0.0-M2.1 has known
     * use-after-free races there, and the one clean-clone run with the cpu backend's rule on both
     * crashed in native code (SIGSEGV in {@code sd::DataBuffer::primary}, an op of
     * {@code CheckpointResumeTest} on the nd4j backend, shortly after a collection). Fewer
     * collections, fewer chances; the early memory window is the cpu backend's (its op results come
     * from the {@link io.jgrad.tensor.backend.BufferCache}).
     */
    private static long spacing(long since) {
        if (CPU_RULE) {
            return Math.max(MIN_INTERVAL_NANOS, INTERVAL_PER_DURATION * lastDurationNanos);
        }
        return since >= ND4J_BACKLOG_BUDGETS * BUDGET ? MIN_INTERVAL_NANOS
                : Math.max(MIN_INTERVAL_NANOS, Math.min(ND4J_MAX_INTERVAL_NANOS, ND4J_INTERVAL_PER_DURATION * lastDurationNanos));
    }

    /** One collection (the caller holds the class lock); the resident level is re-read once the deallocator has run. */
    private static void collect() {
        SINCE_GC.set(0);
        long t0 = System.nanoTime();
        System.gc();
        long end = System.nanoTime();
        lastDurationNanos = end - t0;
        lastEndNanos = end;
        collections++;
        residentAfterGc = -1;
        io.jgrad.tensor.backend.BufferCache.shrinkToRecentUse(); // what the last interval did not reuse goes back to the OS
        LOG.trace("collection {} for native temporaries took {} ms", collections, lastDurationNanos / 1e6);
    }

    /** The budget in bytes ({@code 0}: off). */
    public static long budgetBytes() {
        return BUDGET;
    }

    /** Bytes of temporaries counted since the last collection: what is compared with {@link #budgetBytes}. */
    public static long countedSinceCollection() {
        return SINCE_GC.get();
    }

    /** How many collections jgrad has asked for so far. */
    public static long collections() {
        return collections;
    }

    /** Initialises this class (and so says what -XX:+DisableExplicitGC means for it) at jgrad's start-up. */
    static void init() {
        // the static initialiser above does the work
    }

    /** Whether {@code System.gc()} is a no-op in this JVM ({@code -XX:+DisableExplicitGC}). */
    static boolean explicitGcDisabled() {
        try {
            var bean = java.lang.management.ManagementFactory.getPlatformMXBean(
                    com.sun.management.HotSpotDiagnosticMXBean.class);
            return bean != null && "true".equals(bean.getVMOption("DisableExplicitGC").getValue());
        } catch (RuntimeException | LinkageError e) {
            return false;                             // not HotSpot: no such flag
        }
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
