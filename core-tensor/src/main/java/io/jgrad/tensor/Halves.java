package io.jgrad.tensor;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs the two halves of one large kernel on two cores: the second half on one helper thread,
 * the first on the calling thread, returning when both are done. This is how jgrad uses the
 * second core (see {@link Threads}): only for work large enough to pay for the hand-off,
 * decided per call by the kernel, so small models keep the single-threaded path. The helper
 * ({@link HalfWorker}) polls for 0.3 ms after each half, then sleeps.
 *
 * <p>On a machine whose other core is busy elsewhere the helper's half finishes late and the
 * caller waits for it: measured on a saturated 2-vCPU VM, W5 then ran at 10.7 steps/s split
 * against 18.5 on one thread. So every split is scored: when the caller waits for the helper
 * longer than half its own half took (the split saved less than a quarter), that is a miss;
 * after {@value #MISSES_TO_BACK_OFF} misses net of hits, the caller runs both halves itself, one
 * after the other, for {@value #BACK_OFF_MILLIS} ms, and then tries the helper again.
 *
 * <p>Both halves, not the unsplit kernel: a GEMM cut in two gives different low bits than the
 * whole (OpenBLAS blocks the two shapes differently; 3-5% of the elements differ in their last
 * bit), so falling back to the whole kernel made results depend on the machine's load, and a
 * model reloaded from a checkpoint once gave other bits than the one saved. Whether a kernel is
 * split depends only on its sizes and the thread count, as in PyTorch, where results depend on
 * the thread count too.
 */
final class Halves {
    static final int MISSES_TO_BACK_OFF = 8;
    static final long BACK_OFF_MILLIS = 1000;

    /** One split at a time uses the helper; a second thread's split runs both halves itself. */
    private static final ReentrantLock HELPER = new ReentrantLock();
    private static volatile long backOffUntil = System.nanoTime();
    private static int misses;
    private static final ThreadLocal<Boolean> ON_HELPER = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private Halves() {
    }

    /** Whether work is split: two or more threads configured, and not already on the helper. */
    static boolean available() {
        return Threads.count() >= 2 && !ON_HELPER.get();
    }

    /** Whether splits currently run both halves on the calling thread (the helper kept finishing late). */
    static boolean backingOff() {
        return System.nanoTime() - backOffUntil < 0;
    }

    /** Scores one split: the caller's half took {@code ownNanos}, then it waited {@code waitNanos} for the helper's. */
    static synchronized void record(long ownNanos, long waitNanos) {
        if (waitNanos > ownNanos / 2) {
            if (++misses >= MISSES_TO_BACK_OFF) {
                misses = 0;
                backOffUntil = System.nanoTime() + BACK_OFF_MILLIS * 1_000_000;
            }
        } else if (misses > 0) {
            misses--;
        }
    }

    /** Forgets the score: the next split is tried (tests). */
    static synchronized void resetScore() {
        misses = 0;
        backOffUntil = System.nanoTime();
    }

    /**
     * Runs {@code first} here and {@code second} on the helper thread, concurrently (or both here,
     * in turn, while {@link #backingOff} or while another thread's split holds the helper);
     * rethrows either's failure.
     */
    static void run(Runnable first, Runnable second) {
        if (backingOff() || !HELPER.tryLock()) {
            first.run();
            second.run();
            return;
        }
        Throwable failed = null;
        try {
            long t0 = System.nanoTime();
            HalfWorker.Job job = HalfWorker.submit(second);
            try {
                first.run();
            } catch (RuntimeException | Error e) {
                failed = e;
            }
            long t1 = System.nanoTime();
            Throwable helperFailed = job.await();
            record(t1 - t0, System.nanoTime() - t1);
            failed = failed != null ? failed : helperFailed;
        } finally {
            HELPER.unlock();
        }
        if (failed instanceof RuntimeException r) {
            throw r;
        }
        if (failed instanceof Error err) {
            throw err;
        }
        if (failed != null) {
            throw new IllegalStateException(failed);
        }
    }

    /** Called once by {@link HalfWorker}'s thread: kernels it runs are never split again. */
    static void markHelperThread() {
        ON_HELPER.set(Boolean.TRUE);
    }
}
