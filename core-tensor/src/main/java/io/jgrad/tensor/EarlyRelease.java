package io.jgrad.tensor;

import io.jgrad.tensor.backend.BufferCache;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Hands an op result's memory back to the {@link BufferCache} as soon as its owner knows it is
 * dead, without waiting for a garbage collection.
 *
 * <p>Why: outside a {@link StepScope} a dead array's memory returns only after a collection, and
 * jgrad forces one ({@code System.gc()}, a full collection of 15-50 ms) every 32 MiB of such
 * temporaries ({@link NativeMemory}): ~9% of W2's time (bench/README.md, "What jgrad's paced
 * collections cost"). Most of those bytes are activations between the built-in layers of a
 * {@code Sequential}, which no user code can reach and which the backward pass is the last to read.
 * A {@link Capture} open around such a layer's forward records the cache blocks made meanwhile;
 * {@link Capture#find} gives the {@link Handle} of the layer's result if it is one of them (a whole
 * array of its own, not a view); the autograd engine calls {@link Handle#release} once the backward
 * pass has consumed the node and released its graph. The array is closed first, so any later use
 * throws instead of reading reused memory, and its bytes leave {@link NativeMemory}'s count.
 *
 * <p>Per thread; captures nest. Only cache blocks (the cpu backend, arrays of at least 16 KiB)
 * are recorded: everything else returns through the collector as before.
 */
public final class EarlyRelease {
    private static final ThreadLocal<Capture> OPEN = new ThreadLocal<>();

    private EarlyRelease() {
    }

    /** Opens a capture on the calling thread; close it with try-with-resources. */
    public static Capture capture() {
        Capture c = new Capture(OPEN.get());
        OPEN.set(c);
        return c;
    }

    /** What {@link #captured} ran: its result, and the early way back for its array (null when there is none). */
    public record Captured<T>(T value, Handle handle) {
    }

    /**
     * Runs {@code work} inside a capture and finds the {@link Handle} of its result's array
     * ({@code arrayOf}): null unless that array was made, whole, while {@code work} ran.
     */
    public static <T> Captured<T> captured(java.util.function.Supplier<T> work,
                                           java.util.function.Function<T, INDArray> arrayOf) {
        try (Capture c = capture()) {
            T value = work.get();
            return new Captured<>(value, c.find(arrayOf.apply(value)));
        }
    }

    /** Called for every op result made from the cache; {@code counted}: it counts towards {@link NativeMemory}'s budget. */
    static void made(BufferCache.Leased lease, boolean counted) {
        if (lease.lease() == null) {
            return;                                  // not a cache block: the collector returns it
        }
        Capture c = OPEN.get();
        if (c != null) {
            c.made.add(new Handle(lease, counted));
        }
    }

    /** The arrays made on this thread while it was open. */
    public static final class Capture implements AutoCloseable {
        private final Capture outer;
        private final List<Handle> made = new ArrayList<>(4);
        private boolean closed;

        private Capture(Capture outer) {
            this.outer = outer;
        }

        /** The handle of {@code array} if it was made, whole, while this capture was open; else null. */
        public Handle find(INDArray array) {
            for (Handle h : made) {
                if (h.lease.array() == array) {
                    return h;
                }
            }
            return null;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (outer != null) {
                outer.made.addAll(made);               // the enclosing capture saw them made too
            }
            OPEN.set(outer);
        }
    }

    /** The early way back for one array's memory. */
    public static final class Handle {
        private final BufferCache.Leased lease;
        private boolean counted;

        private Handle(BufferCache.Leased lease, boolean counted) {
            this.lease = lease;
            this.counted = counted;
        }

        /**
         * Takes the array's bytes off {@link NativeMemory}'s count now, when the engine takes it on to
         * {@link #release} it: memory that comes back without a collection is no garbage a collection
         * must be paced for. Counted while they were live, a W6 step's activations (24 MB, released
         * in its backward) kept the count near the 32 MiB budget and brought a full collection every
         * ~20 steps for the few hundred KB a step that do wait for one. Should the graph be dropped
         * without a backward, the array returns with a collection, which
         * {@link NativeMemory#checkResident} still asks for once the resident size has grown. Idempotent.
         */
        public void pledge() {
            if (counted) {
                counted = false;
                INDArray a = lease.array();
                NativeMemory.released(a.length() * a.dataType().width());
            }
        }

        /**
         * Closes the array (any later use throws) and returns its memory to the cache now; only for
         * an array nothing can read any more. Idempotent.
         */
        public void release() {
            INDArray a = lease.array();
            if (a.wasClosed()) {
                return;
            }
            lease.free();
            if (counted) {
                NativeMemory.released(a.length() * a.dataType().width());
            }
        }
    }
}
