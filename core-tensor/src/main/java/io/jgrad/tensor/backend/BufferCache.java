package io.jgrad.tensor.backend;

import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A caching allocator by size for the native memory of jgrad's op results, temporaries and
 * gradients: a dead array's memory goes back to a free list and the next array of its size class
 * gets it, warm, instead of a fresh {@code malloc} (first-touch page faults, cold caches, and
 * resident memory that glibc's arenas fragment and keep; issue 23).
 *
 * <p><b>Ownership.</b> This class owns every block it hands out ({@code Pointer.malloc}, no
 * JavaCPP deallocator). The array's ND4J {@code DataBuffer} only wraps the block (ND4J's
 * "externalized" buffer, {@code Nd4j.createBuffer(Pointer, length, type)}): ND4J's own
 * deallocator, when the collector finds the buffer dead or when the array is closed, deletes its
 * small native wrapper and never the block. The block comes back here when the engine knows the
 * array is dead ({@link Leased#release}: a {@code StepScope} closing) or else when the collector
 * finds the {@code DataBuffer} unreachable: a {@link Cleaner} on the buffer, not on the array,
 * because every view of the array (reshape, slices, offsets) holds the same buffer or, for an
 * offset, a buffer that references it, so no block is reused while a view can still reach it.
 * Whichever comes first returns the block, exactly once.
 *
 * <p><b>Why not ND4J workspaces.</b> A workspace recycles memory per scope too, but every array
 * made inside it dies when the scope cycles, whatever still references it: a loss a user keeps,
 * an array cached across steps, silently corrupt (ND4J checks only in debug mode), and the plain
 * loop (no scope at all) is exactly where the growth was. {@code StepScope} already gives the
 * scoped case; this cache adds reuse for the unscoped one through the collector.
 *
 * <p>The cpu backend only ({@code Backend.CPU}, whose memory is host memory): under the nd4j
 * backend, which may run on a device, every array comes from ND4J as before.
 *
 * <p>Arrays of at least {@value #MIN_BYTES} bytes. Size classes: four per power of two (at most 25% slack). The free
 * lists keep at most {@link #capBytes()} bytes ({@code -Djgrad.bufferCacheMiB}, default
 * {@value #DEFAULT_CAP_MIB}; {@code 0} turns the cache off and arrays come from ND4J as before),
 * or as many as were ever in use at once if that is more (a step's whole working set, so the next
 * step finds it again); a block beyond that is freed. Thread-safe (one lock around the free lists); reuse changes
 * only where a result lives, never its value, since every array made here is one its op
 * overwrites whole (contents undefined, as {@code Nd4j.createUninitialized}).
 */
public final class BufferCache {
    static final long DEFAULT_CAP_MIB = 256;
    /**
     * Smaller arrays come from ND4J as before: {@code malloc} serves them from warm arena memory
     * anyway, and the cache's own per-array work (a {@link Cleaner} registration, the external
     * buffer's wrapper) cost W3 (batch 32, 784→32→10, 1–4 KB activations) ~8% more CPU a step when
     * every array went through it.
     */
    static final long MIN_BYTES = 16 << 10;
    private static final long CAP = capFromProperty();
    /** Only the cpu backend's memory is host memory this class may own; the nd4j backend's arrays come from ND4J. */
    private static final boolean ON = CAP > 0 && Backend.current() == Backend.CPU;
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "jgrad-buffer-cache");
        t.setDaemon(true);
        return t;
    });

    /**
     * Blocks of at least this many KiB are {@code mmap}ped by libc and unmapped when freed
     * ({@code -Djgrad.mmapThresholdKiB}; {@code 0} leaves libc's default). glibc otherwise raises
     * its threshold to the largest block ever freed (up to 32 MiB), after which large blocks come
     * from its per-thread arenas, which fragment and never shrink: the lm's loop held 1.9 GB in 42
     * arena heaps after 500 steps (2.9 GB resident) and 1.4 GB resident in all with this set.
     */
    static final long DEFAULT_MMAP_THRESHOLD_KIB = 1024;

    static {
        if (ON) {
            LibC.fixMmapThreshold();
        }
    }

    private static final Object LOCK = new Object();
    private static final Map<Long, ArrayDeque<Pointer>> FREE = new HashMap<>();
    private static long freeBytes;
    /** Bytes the free lists served since the last {@link #shrinkToRecentUse()}. */
    private static long reusedBytes;
    private static long fresh;
    private static long reused;
    /** Bytes of blocks handed out and not yet returned, and the most that ever were at once. */
    private static long inUseBytes;
    private static long peakInUseBytes;

    private BufferCache() {
    }

    /** An array and the handle that returns its memory early, when its owner knows it is dead. */
    public record Leased(INDArray array, Cleaner.Cleanable lease) {
        /** Returns the memory to the cache now (the array must not be used again); idempotent. */
        public void release() {
            if (lease != null) {
                lease.clean();
            }
        }

        /** Closes the array (ND4J's wrapper: any later use throws), then {@link #release}s it; idempotent. */
        public void free() {
            if (!array.wasClosed() && array.closeable()) {
                array.close();
            }
            release();
        }
    }

    /** A new row-major array of {@code shape} with undefined contents, its memory from the cache. */
    public static INDArray uninitialized(DataType type, long... shape) {
        return lease(type, shape).array();
    }

    /**
     * As {@link #uninitialized}, with the handle that returns its memory at once; without a call
     * to {@link Leased#release} the memory returns when the collector finds the array's buffer dead.
     */
    public static Leased lease(DataType type, long... shape) {
        long length = 1;
        for (long d : shape) {
            length *= d;
        }
        if (!ON || length <= 0 || shape.length == 0 || length * type.width() < MIN_BYTES || !cacheable(type)) {
            return new Leased(Nd4j.createUninitialized(type, shape, 'c'), null);   // small, nd4j backend, or off
        }
        long bytes = sizeClass(length * type.width());
        Pointer block = take(bytes);
        Pointer typed = typed(block, type).capacity(length).limit(length);
        DataBuffer buffer = Nd4j.createBuffer(typed, length, type);
        INDArray a = Nd4j.create(buffer, shape, Nd4j.getStrides(shape, 'c'), 0, 'c');
        return new Leased(a, CLEANER.register(buffer, new Return(block, bytes)));
    }

    /** How many blocks came from {@code malloc}, and how many from the free lists, so far. */
    public static long freshAllocations() {
        synchronized (LOCK) {
            return fresh;
        }
    }

    public static long reusedAllocations() {
        synchronized (LOCK) {
            return reused;
        }
    }

    /** Bytes now held in the free lists. */
    public static long freeBytes() {
        synchronized (LOCK) {
            return freeBytes;
        }
    }

    /** The most the free lists keep, bytes ({@code 0}: the cache is off), unless a larger working set was seen. */
    public static long capBytes() {
        return CAP;
    }

    /** The most bytes of cached blocks that were in use at once so far: the free lists may keep as much. */
    public static long peakInUseBytes() {
        synchronized (LOCK) {
            return peakInUseBytes;
        }
    }

    /** Whether arrays come from the cache: the cpu backend, and a cap above 0. */
    public static boolean enabled() {
        return ON;
    }

    /** Frees every block in the free lists (the memory of live arrays is untouched). */
    public static void trim() {
        synchronized (LOCK) {
            for (ArrayDeque<Pointer> list : FREE.values()) {
                for (Pointer p : list) {
                    Pointer.free(p);
                }
                list.clear();
            }
            freeBytes = 0;
        }
    }

    /**
     * Called after each of jgrad's forced collections ({@code NativeMemory}): keeps in the free
     * lists one and a half times the bytes the steps since the previous call took from them (at least
     * {@link #SHRINK_FLOOR_BYTES}; half again, so an interval a little busier than the last still finds
     * its blocks), frees the rest and hands libc's free pages back to the OS
     * ({@code malloc_trim}). Without it the free lists keep the largest backlog of dead arrays ever
     * seen between two collections (one slow collection on a busy machine sets it for the rest of
     * the run), and the resident size with them.
     */
    public static void shrinkToRecentUse() {
        if (!ON) {
            return;
        }
        java.util.List<Pointer> excess = new java.util.ArrayList<>();
        synchronized (LOCK) {
            long keep = Math.max(reusedBytes + reusedBytes / 2, SHRINK_FLOOR_BYTES);
            reusedBytes = 0;
            for (Map.Entry<Long, ArrayDeque<Pointer>> e : FREE.entrySet()) {
                while (freeBytes > keep && !e.getValue().isEmpty()) {
                    excess.add(e.getValue().pollLast()); // the coldest block of its size
                    freeBytes -= e.getKey();
                }
            }
        }
        if (excess.isEmpty()) {
            return;
        }
        for (Pointer p : excess) {
            Pointer.free(p);
        }
        LibC.trim();
    }

    /** The free lists are never shrunk below this. */
    static final long SHRINK_FLOOR_BYTES = 8L << 20;

    /** libc's {@code malloc_trim} and {@code mallopt}, through JNA (which ND4J brings); no-ops where they cannot be reached. */
    private static final class LibC {
        private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BufferCache.class);
        private static final int M_MMAP_THRESHOLD = -3;
        private static final Api API = load();

        interface Api extends com.sun.jna.Library {
            int malloc_trim(long pad);

            int mallopt(int param, int value);
        }

        static void trim() {
            if (API != null) {
                API.malloc_trim(0);
            }
        }

        /** A fixed mmap threshold (unless the user set glibc's own {@code MALLOC_MMAP_THRESHOLD_}). */
        static void fixMmapThreshold() {
            long kib = Long.getLong("jgrad.mmapThresholdKiB", DEFAULT_MMAP_THRESHOLD_KIB);
            if (API == null || kib <= 0 || kib > (32 << 10) || System.getenv("MALLOC_MMAP_THRESHOLD_") != null) {
                LOG.debug("libc's mmap threshold left as it is");
                return;
            }
            try {
                int ok = API.mallopt(M_MMAP_THRESHOLD, (int) (kib << 10));
                LOG.debug("libc's mmap threshold fixed at {} KiB: {}", kib, ok == 1 ? "done" : "refused");
            } catch (UnsatisfiedLinkError e) {
                LOG.debug("libc has no mallopt; its mmap threshold left as it is");   // not glibc
            }
        }

        private static Api load() {
            try {
                return com.sun.jna.Native.loadLibrary("c", Api.class);
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                return null;
            }
        }
    }

    /** The size class of a request of {@code bytes}: at least 64, then four classes per power of two. */
    static long sizeClass(long bytes) {
        if (bytes <= 64) {
            return 64;
        }
        long step = Long.highestOneBit(bytes - 1) >> 2;
        return (bytes + step - 1) / step * step;
    }

    private static boolean cacheable(DataType type) {
        return switch (type) {
            case FLOAT, DOUBLE, INT, LONG, BOOL -> true;
            default -> false;
        };
    }

    private static Pointer typed(Pointer block, DataType type) {
        return switch (type) {
            case FLOAT -> new org.bytedeco.javacpp.FloatPointer(block);
            case DOUBLE -> new org.bytedeco.javacpp.DoublePointer(block);
            case INT -> new org.bytedeco.javacpp.IntPointer(block);
            case LONG -> new org.bytedeco.javacpp.LongPointer(block);
            case BOOL -> new org.bytedeco.javacpp.BooleanPointer(block);
            default -> throw new IllegalArgumentException("BufferCache: no cached arrays of " + type);
        };
    }

    private static Pointer take(long bytes) {
        synchronized (LOCK) {
            ArrayDeque<Pointer> list = FREE.get(bytes);
            Pointer p = list == null ? null : list.pollFirst();
            inUseBytes += bytes;
            peakInUseBytes = Math.max(peakInUseBytes, inUseBytes);
            if (p != null) {
                freeBytes -= bytes;
                reusedBytes += bytes;
                reused++;
                return p;
            }
            fresh++;
        }
        Pointer p = Pointer.malloc(bytes);
        if (p == null || p.isNull()) {
            throw new OutOfMemoryError("BufferCache: malloc of " + bytes + " bytes of native memory failed");
        }
        return p;
    }

    /**
     * Puts a dead array's block back (most recently used first: warmest), or frees it over the
     * limit: the cap, or the largest working set seen if that is more. A step whose arrays come
     * back all at once when its {@code StepScope} closes (the lm's, ~0.5 GB) must find all of
     * them again in the next step; under a fixed 256 MiB cap it freed the rest and took ~55
     * fresh blocks a step from {@code malloc}, whose arenas fragmented to 2 GB resident.
     */
    private static void give(Pointer block, long bytes) {
        synchronized (LOCK) {
            inUseBytes -= bytes;
            if (freeBytes + bytes <= Math.max(CAP, peakInUseBytes)) {
                FREE.computeIfAbsent(bytes, k -> new ArrayDeque<>()).addFirst(block);
                freeBytes += bytes;
                return;
            }
        }
        Pointer.free(block);
    }

    /** The cleaning action: references the block, never the buffer or the array. */
    private record Return(Pointer block, long bytes) implements Runnable {
        @Override
        public void run() {
            give(block, bytes);
        }
    }

    private static long capFromProperty() {
        String v = System.getProperty("jgrad.bufferCacheMiB");
        if (v == null || v.isBlank()) {
            return DEFAULT_CAP_MIB << 20;
        }
        try {
            long mib = Long.parseLong(v.trim());
            if (mib >= 0) {
                return mib << 20;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("BufferCache: -Djgrad.bufferCacheMiB must be a non-negative integer, got '"
                + v + "'");
    }
}
