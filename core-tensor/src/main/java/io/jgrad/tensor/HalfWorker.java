package io.jgrad.tensor;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The one helper thread that runs the second half of a split kernel ({@link Halves}), handed its
 * work through a single slot instead of an executor queue.
 *
 * <p>Why not an {@code ExecutorService}: its idle thread parks, and waking a parked thread on
 * this 2-vCPU VM took long enough that the helper's half of a 25M multiply-add GEMM (~300 µs)
 * routinely finished late, the split was scored a miss and backed off: W1's 128×784×256 GEMM
 * ran at 80 GFLOP/s on two threads as on one. So after each half the helper polls the slot for
 * {@link #SPIN_NANOS} more (a training step's kernels come tens of microseconds apart) before it
 * parks, and the caller polls for the helper's result before it parks. Parking and unparking
 * follow the usual check-after-announce order, so no wake-up is lost.
 */
final class HalfWorker {
    /** How long the idle helper polls for the next half before it parks. */
    static final long SPIN_NANOS = 300_000;
    /** How long a caller polls for the helper's half before it parks. */
    static final long WAIT_SPIN_NANOS = 2_000_000;

    /** One half handed to the helper; {@link #await} returns once it has run. */
    static final class Job {
        private final Runnable task;
        private volatile boolean done;
        private volatile Throwable failure;
        private volatile Thread waiter;

        Job(Runnable task) {
            this.task = task;
        }

        /** Waits until the helper has run the task; its failure, if any. */
        Throwable await() {
            long spinUntil = System.nanoTime() + WAIT_SPIN_NANOS;
            while (!done && System.nanoTime() - spinUntil < 0) {
                Thread.onSpinWait();
            }
            if (!done) {
                waiter = Thread.currentThread();
                while (!done) {
                    LockSupport.park(this);
                }
            }
            return failure;
        }

        private void run() {
            try {
                task.run();
            } catch (Throwable t) {
                failure = t;
            }
            done = true;
            Thread w = waiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }
    }

    private static final AtomicReference<Job> SLOT = new AtomicReference<>();
    private static volatile Thread thread;
    private static volatile boolean parked;

    private HalfWorker() {
    }

    /** Hands {@code task} to the helper thread (one job at a time: callers hold {@link Halves}'s lock). */
    static Job submit(Runnable task) {
        Job job = new Job(task);
        Thread t = thread();
        SLOT.set(job);
        if (parked) {
            LockSupport.unpark(t);
        }
        return job;
    }

    private static Thread thread() {
        Thread t = thread;
        if (t == null) {
            synchronized (HalfWorker.class) {
                t = thread;
                if (t == null) {
                    t = new Thread(HalfWorker::loop, "jgrad-kernel-half");
                    t.setDaemon(true);
                    t.start();
                    thread = t;
                }
            }
        }
        return t;
    }

    private static void loop() {
        Halves.markHelperThread();
        long idleSince = System.nanoTime();
        while (true) {
            Job job = SLOT.getAndSet(null);
            if (job != null) {
                job.run();
                idleSince = System.nanoTime();
            } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                Thread.onSpinWait();
            } else {
                parked = true;
                if (SLOT.get() == null) {
                    LockSupport.park(HalfWorker.class);
                }
                parked = false;
                idleSince = System.nanoTime();
            }
        }
    }
}
