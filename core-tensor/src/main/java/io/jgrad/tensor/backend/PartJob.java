package io.jgrad.tensor.backend;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One {@link Parallel#run} call's parts, claimed one at a time by the caller and the workers
 * ({@link KernelPool}) until none are left: a part that throws stops the parts not yet started,
 * and the first failure is kept, named, for the caller.
 */
final class PartJob {
    final String op;
    final Parallel.Partition p;
    final Parallel.PartBody body;
    final long id;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger remaining;
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final AtomicReference<Error> error = new AtomicReference<>();
    private volatile Thread waiter;

    PartJob(String op, Parallel.Partition p, Parallel.PartBody body, long id) {
        this.op = op;
        this.p = p;
        this.body = body;
        this.id = id;
        this.remaining = new AtomicInteger(p.parts());
    }

    /** Whether parts are left that nobody has claimed yet, beyond the one the caller takes. */
    boolean moreThanOneUnclaimed() {
        return next.get() < p.parts() - 1;
    }

    /** Claims and runs parts until none are left; how many this thread ran. */
    int work() {
        int ran = 0;
        for (int part = next.getAndIncrement(); part < p.parts(); part = next.getAndIncrement()) {
            if (failure.get() == null && error.get() == null) {
                try {
                    body.run(part, p.from(part), p.to(part));
                } catch (Throwable t) {
                    fail(part, t);
                }
                ran++;
                if (KernelPool.onWorker()) {
                    KernelPool.countWorkerPart();       // before the count-down, so the caller sees it
                }
            }
            if (remaining.decrementAndGet() == 0) {
                Thread w = waiter;
                if (w != null) {
                    LockSupport.unpark(w);
                }
            }
        }
        return ran;
    }

    private void fail(int part, Throwable t) {
        try {
            RuntimeException r = Parallel.annotate(op, p, part, t);
            if (!failure.compareAndSet(null, r)) {
                failure.get().addSuppressed(r);
            }
        } catch (Error e) {
            if (!error.compareAndSet(null, e) && error.get() != e) {
                error.get().addSuppressed(e);
            }
        }
    }

    /** Returns once every part has run: polls for up to {@code spin} ns, then parks. */
    void await(long spin) {
        long until = System.nanoTime() + spin;
        while (remaining.get() != 0 && System.nanoTime() - until < 0) {
            Thread.onSpinWait();
        }
        if (remaining.get() == 0) {
            return;
        }
        waiter = Thread.currentThread();
        boolean interrupted = false;
        while (remaining.get() != 0) {
            LockSupport.park(this);
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Throws the first failure of any part, if one failed. */
    void rethrow() {
        if (error.get() != null) {
            throw error.get();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }
}
