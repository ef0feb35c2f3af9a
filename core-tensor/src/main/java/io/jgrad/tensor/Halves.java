package io.jgrad.tensor;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs the two halves of one large kernel on two cores: the second half on one helper thread,
 * the first on the calling thread, returning when both are done. This is how jgrad uses the
 * second core (see {@link Threads}): only for work large enough to pay for the hand-off (a
 * park/unpark, tens of microseconds), decided per call by the kernel, so small models keep the
 * single-threaded path. The helper sleeps when idle; nothing spins.
 */
final class Halves {
    private static volatile ExecutorService helper;
    private static final ThreadLocal<Boolean> ON_HELPER = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private Halves() {
    }

    /** Whether work may be split now: two or more threads configured, and not already on the helper. */
    static boolean available() {
        return Threads.count() >= 2 && !ON_HELPER.get();
    }

    /** Runs {@code first} here and {@code second} on the helper thread, concurrently; rethrows either's failure. */
    static void run(Runnable first, Runnable second) {
        Future<?> f = helper().submit(second);
        Throwable failed = null;
        try {
            first.run();
        } catch (RuntimeException | Error e) {
            failed = e;
        }
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed = failed != null ? failed : new IllegalStateException("interrupted while a kernel half ran", e);
        } catch (ExecutionException e) {
            failed = failed != null ? failed : e.getCause();
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

    private static ExecutorService helper() {
        ExecutorService h = helper;
        if (h == null) {
            synchronized (Halves.class) {
                h = helper;
                if (h == null) {
                    h = Executors.newSingleThreadExecutor(r -> {
                        Thread t = new Thread(() -> {
                            ON_HELPER.set(Boolean.TRUE);
                            r.run();
                        }, "jgrad-kernel-half");
                        t.setDaemon(true);
                        return t;
                    });
                    helper = h;
                }
            }
        }
        return h;
    }
}
