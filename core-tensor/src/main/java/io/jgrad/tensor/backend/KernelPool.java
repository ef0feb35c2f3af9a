package io.jgrad.tensor.backend;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link Parallel}'s worker threads ({@code jgrad-kernel-1}, …): the job on offer, the pool
 * sized to the thread count, and the hand-off. A worker claims parts of the current job; when
 * idle it polls for the next job for {@link Pacing#spinNow()}, then parks until a caller (or a
 * worker that joined a job with parts to spare) wakes it. Parking and waking follow the usual
 * announce-then-check order, so no wake-up is lost.
 */
final class KernelPool {
    private static final AtomicReference<PartJob> CURRENT = new AtomicReference<>();
    /** An AtomicLong, not a LongAdder, as in {@link Transfers}: the first collision would deoptimise the workers. */
    private static final AtomicLong PARTS_BY_WORKERS = new AtomicLong();
    private static volatile Worker[] workers = new Worker[0];

    private KernelPool() {
    }

    /** Whether the calling thread is one of the pool's. */
    static boolean onWorker() {
        return Thread.currentThread() instanceof Worker;
    }

    /** Counts one part run by a worker. */
    static void countWorkerPart() {
        PARTS_BY_WORKERS.incrementAndGet();
    }

    /** How many parts workers have run in this process. */
    static long partsRunByWorkers() {
        return PARTS_BY_WORKERS.get();
    }

    /** The number of worker threads now. */
    static int size() {
        return workers.length;
    }

    /** Sizes the pool to {@code n} workers, stopping extra ones; only by the caller holding the pool. */
    static void ensure(int n) {
        Worker[] now = workers;
        if (now.length == n) {
            return;
        }
        Worker[] next = new Worker[n];
        for (int i = 0; i < Math.max(n, now.length); i++) {
            if (i < n && i < now.length) {
                next[i] = now[i];
            } else if (i < n) {
                next[i] = new Worker(i + 1);
                next[i].start();
            } else {
                now[i].stopped = true;
                LockSupport.unpark(now[i]);
            }
        }
        workers = next;
        Pacing.poolSized(n + 1);
    }

    /** Offers {@code job} to the workers and wakes one parked worker. */
    static void offer(PartJob job) {
        CURRENT.set(job);
        wakeOne();
    }

    /** Withdraws the finished job (so it holds no memory). */
    static void withdraw() {
        CURRENT.set(null);
    }

    /** Unparks one parked worker, if any is parked. */
    private static void wakeOne() {
        for (Worker w : workers) {
            if (w.parked.get() && w.parked.compareAndSet(true, false)) {
                LockSupport.unpark(w);
                return;
            }
        }
    }

    /** A pool thread: runs parts of the current job, polls a while when idle, then parks. */
    private static final class Worker extends Thread {
        final AtomicBoolean parked = new AtomicBoolean();
        volatile boolean stopped;

        Worker(int index) {
            super("jgrad-kernel-" + index);
            setDaemon(true);
        }

        @Override
        public void run() {
            long lastJob = 0;
            long idleSince = System.nanoTime();
            while (!stopped) {
                PartJob job = CURRENT.get();
                if (job != null && job.id != lastJob) {
                    lastJob = job.id;
                    if (job.moreThanOneUnclaimed()) {
                        wakeOne();                       // wake-ups fan out: each joiner wakes the next
                    }
                    job.work();
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < Pacing.spinNow()) {
                    Thread.onSpinWait();
                } else {
                    parked.set(true);
                    PartJob again = CURRENT.get();
                    if ((again == null || again.id == lastJob) && !stopped) {
                        LockSupport.park(this);
                    }
                    parked.set(false);
                    idleSince = System.nanoTime();
                }
            }
        }
    }
}
