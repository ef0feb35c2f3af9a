package io.jgrad.tensor.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a per-image kernel over a batch split into contiguous ranges, one per worker thread: the
 * CPU convolution's images are independent (each writes its own slice of the output), and its
 * per-image GEMMs are too small for BLAS's own threads to pay, so splitting the batch is how
 * it uses a second core. Workers default to the number of processors; set
 * {@code -Djgrad.convThreads=n} to change it (1 runs everything on the calling thread).
 */
final class BatchSplit {
    static final int WORKERS = Math.max(1, Integer.getInteger("jgrad.convThreads",
            Runtime.getRuntime().availableProcessors()));
    private static final ExecutorService POOL = WORKERS == 1 ? null : Executors.newFixedThreadPool(WORKERS - 1, r -> {
        Thread t = new Thread(r, "jgrad-conv");
        t.setDaemon(true);
        return t;
    });

    private BatchSplit() {
    }

    /** A kernel over images {@code [from, to)}, run as part {@code part} of the split. */
    @FunctionalInterface
    interface Range {
        void run(int part, int from, int to);
    }

    /** The number of parts {@link #run} splits {@code n} images into. */
    static int parts(int n) {
        return Math.max(1, Math.min(WORKERS, n));
    }

    /** Runs {@code kernel} over {@code n} images in {@link #parts} ranges, the last on the calling thread. */
    static void run(int n, Range kernel) {
        int parts = parts(n);
        if (parts == 1) {
            kernel.run(0, 0, n);
            return;
        }
        List<Future<?>> pending = new ArrayList<>();
        for (int p = 0; p < parts - 1; p++) {
            int part = p;
            pending.add(POOL.submit(() -> kernel.run(part, part * n / parts, (part + 1) * n / parts)));
        }
        kernel.run(parts - 1, (parts - 1) * n / parts, n);
        for (Future<?> f : pending) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("conv2d: interrupted while waiting for a worker", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("conv2d: a worker failed", e.getCause());
            }
        }
    }
}
