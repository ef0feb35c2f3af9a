package io.jgrad.tensor.backend;

import io.jgrad.tensor.Threads;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

/**
 * The {@code cpu} backend's one parallel runtime: a parallel-for over an index range cut into
 * parts, run on the calling thread and one pool of {@link Threads#count()} − 1 worker threads.
 * Every kernel that uses more than one core (GEMMs, element-wise passes, optimizer updates,
 * batch norm, convolution, pooling) goes through it, so {@code jgrad.threads},
 * {@code JGRAD_THREADS} and {@code Threads.set} govern all of them, and with one thread every
 * kernel runs on its caller.
 *
 * <p><b>Partitions.</b> {@code n} items with a grain of {@code g} (the fewest items a part is
 * worth) are cut into {@code P = min(count, max(1, n / g))} parts, part {@code p} being items
 * {@code [p·n/P, (p+1)·n/P)}: a function of the sizes and the thread count only, never of the
 * machine's load or of timing. Which thread runs a part is decided at run time (the caller and
 * the workers claim parts in turn, so a late worker's parts are taken by whoever is free), but
 * a part's work is the same on any thread and a kernel that combines per-part results does so
 * in part order; so a kernel's bits depend only on its sizes and the thread count, as in
 * PyTorch. When another thread's kernel holds the pool, or the call is nested inside a part,
 * the same parts run one after the other on the calling thread: the same bits again.
 *
 * <p><b>Busy machines.</b> Claiming covers a worker that wakes late; one that claimed a part and
 * was then descheduled (the machine's other cores busy elsewhere) makes the caller wait. So
 * every job is scored ({@link #record}): a miss when it saved less than a quarter of the
 * caller's time alone. After a few misses (net of good jobs) threads stop polling for a second
 * (see the hand-off below); after a few more, calls run their parts on the caller for a second:
 * measured on a saturated 2-vCPU VM, W5 ran at 10.7 steps/s split against 18.5 on one thread.
 * Again only who runs the parts changes, never the parts.
 *
 * <p><b>Failures.</b> A part that throws stops the parts not yet started; once every running
 * part has finished, the first failure reaches the caller, once, as an
 * {@link IllegalStateException} naming the op and the part (an {@link Error} is rethrown as
 * itself, with that note attached as a suppressed exception); later failures are attached to it.
 *
 * <p><b>Hand-off.</b> An idle worker polls for the next job for {@link #SPIN_NANOS} (0.3 ms)
 * before it parks, and a caller out of parts polls for the workers' as long, but no longer than
 * half its own parts took (beyond that the job is late anyway), before it parks. Why poll: a
 * training step's kernels come tens of microseconds apart, and on a quiet 2-vCPU VM waking a
 * parked thread took long enough that the other core's half of a 0.3 ms GEMM came late (W1's
 * 128×784×256 product: 80 GFLOP/s on two threads as on one with a parked helper, 120 with a
 * polling one; bench/README.md, "Threads"). Why bounded, and why it stops: on a loaded machine
 * polling only burns the time slices the parts need: with the load average at ~20 on this 2-vCPU
 * VM, {@code bench/scaling.sh} timed the same product at 1.79 ms with polling and 0.41 ms with
 * threads parking at once. So every eighth job the caller compares its thread's CPU time with the
 * wall time of its parts, and when it was off its core for more than a fifth of it, polling is
 * off for a second ({@link #sampleContention}); it is also off while jobs come late (above), and
 * altogether when more threads are configured than the JVM sees cores. {@code -Djgrad.spinMicros=n} or
 * {@link #spinMicros(long)} changes the bound ({@code 0}: always park at once); the probe in
 * {@code bench/scaling.sh} compares the two on the machine that runs it.
 */
public final class Parallel {
    /** How long an idle worker, or a caller waiting for its parts, polls before it parks, by default. */
    static final long SPIN_NANOS = Math.max(0, Long.getLong("jgrad.spinMicros", 300)) * 1000;

    /** A kernel over items {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(long from, long to);
    }

    /** A kernel over items {@code [from, to)} that are part {@code part} of a {@link Partition}. */
    @FunctionalInterface
    public interface PartBody {
        void run(int part, long from, long to);
    }

    /** {@code n} items cut into {@code parts} contiguous ranges of near-equal size. */
    public record Partition(long n, int parts) {
        public Partition {
            if (n < 0 || parts < 1) {
                throw new IllegalArgumentException("Parallel.Partition: needs n >= 0 and parts >= 1, got n=" + n
                        + ", parts=" + parts);
            }
        }

        /** The first item of {@code part}: {@code ⌊part·n/parts⌋}, computed without overflow. */
        public long from(int part) {
            return part * (n / parts) + part * (n % parts) / parts;
        }

        /** One past the last item of {@code part}. */
        public long to(int part) {
            return part + 1 == parts ? n : from(part + 1);
        }
    }

    private static final AtomicBoolean BUSY = new AtomicBoolean();
    private static final AtomicReference<Job> CURRENT = new AtomicReference<>();
    private static final LongAdder PARTS_BY_WORKERS = new LongAdder();
    private static volatile Worker[] workers = new Worker[0];
    /** The poll bound chosen ({@link #SPIN_NANOS} or {@link #spinMicros(long)}), and the one in effect. */
    private static volatile long spinChosen = SPIN_NANOS;
    private static volatile long spinNanos = SPIN_NANOS;
    static final int MISSES_TO_STOP_POLLING = 4;
    /** One job in this many (a power of two) measures whether its caller kept its core. */
    static final int CONTENTION_SAMPLE_EVERY = 8;
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    static final int MISSES_TO_BACK_OFF = 8;
    static final long BACK_OFF_MILLIS = 1000;
    private static volatile long backOffUntil = System.nanoTime();
    private static volatile long pollingOffUntil = backOffUntil;
    private static int misses;
    /** Told of every call's op and partition (tests: which kernels split, and how far). */
    static volatile BiConsumer<String, Partition> probe;
    private static long jobs;

    private Parallel() {
    }

    /** How {@code n} items with grain {@code grain} are cut at the current thread count. */
    public static Partition partition(long n, long grain) {
        if (n < 0 || grain < 1) {
            throw new IllegalArgumentException("Parallel.partition: needs n >= 0 and grain >= 1, got n=" + n
                    + ", grain=" + grain);
        }
        return new Partition(n, (int) Math.min(Threads.count(), Math.max(1, n / grain)));
    }

    /** Runs {@code body} over {@code [0, n)} in the parts of {@link #partition(long, long)}. */
    public static void forRange(String op, long n, long grain, RangeBody body) {
        run(op, partition(n, grain), (part, from, to) -> body.run(from, to));
    }

    /**
     * Runs {@code body} once for each part of {@code p}, concurrently where the pool is free,
     * returning when all have run.
     *
     * @throws IllegalStateException naming {@code op} and the part, when a part failed
     */
    public static void run(String op, Partition p, PartBody body) {
        BiConsumer<String, Partition> seen = probe;
        if (seen != null) {
            seen.accept(op, p);
        }
        if (p.parts() == 1 || Thread.currentThread() instanceof Worker || backingOff()
                || !BUSY.compareAndSet(false, true)) {
            inline(op, p, body);
            return;
        }
        Job job;
        try {
            job = new Job(op, p, body, ++jobs);
            ensureWorkers(Threads.count() - 1);
            boolean sample = (job.id & (CONTENTION_SAMPLE_EVERY - 1)) == 0;
            long c0 = sample ? CPU.getCurrentThreadCpuTime() : 0;
            long t0 = System.nanoTime();
            CURRENT.set(job);
            wakeOne();
            int ran = job.work();
            long t1 = System.nanoTime();
            if (sample) {
                sampleContention(t1 - t0, CPU.getCurrentThreadCpuTime() - c0);
            }
            job.await(Math.min(spinNow(), (t1 - t0) / 2));
            record(t1 - t0, System.nanoTime() - t1, ran, p.parts());
        } finally {
            CURRENT.set(null);
            BUSY.set(false);
        }
        job.rethrow();
    }

    /** The parts of {@code p} one after the other on this thread. */
    private static void inline(String op, Partition p, PartBody body) {
        for (int part = 0; part < p.parts(); part++) {
            try {
                body.run(part, p.from(part), p.to(part));
            } catch (Throwable t) {
                throw annotate(op, p, part, t);
            }
        }
    }

    /** Whether calls currently run their parts on the caller (workers kept coming late). */
    static boolean backingOff() {
        return System.nanoTime() - backOffUntil < 0;
    }

    /**
     * Turns polling off for {@value #BACK_OFF_MILLIS} ms when the caller, running its parts for
     * {@code wallNanos}, was on a core for less than 80% of that ({@code cpuNanos}): the machine
     * has no core to spare, and a polling thread would take the slices the parts need.
     */
    static void sampleContention(long wallNanos, long cpuNanos) {
        if (wallNanos >= 50_000 && cpuNanos >= 0 && cpuNanos * 5 < wallNanos * 4) {
            pollingOffUntil = System.nanoTime() + BACK_OFF_MILLIS * 1_000_000;
        }
    }

    /** The poll bound in effect now: none while polling is off (the machine busy, or jobs coming late). */
    static long spinNow() {
        return System.nanoTime() - pollingOffUntil < 0 ? 0 : spinNanos;
    }

    /**
     * Scores one job: the caller ran {@code ran} of its {@code parts} parts in {@code ownNanos},
     * then waited {@code waitNanos} for the workers'. A miss when the whole took more than three
     * quarters of what the caller alone would have taken ({@code ownNanos·parts/ran}): the split
     * saved less than a quarter, so the workers' cores were busy elsewhere. After
     * {@value #MISSES_TO_STOP_POLLING} misses net of hits, workers and callers park at once for
     * {@value #BACK_OFF_MILLIS} ms; after {@value #MISSES_TO_BACK_OFF}, calls run inline as long.
     */
    static synchronized void record(long ownNanos, long waitNanos, int ran, int parts) {
        if (ran >= parts || ran == 0) {
            return;                                     // the caller did all (workers never came), or none
        }
        if ((ownNanos + waitNanos) * 4 * ran > 3 * ownNanos * parts) {
            long until = System.nanoTime() + BACK_OFF_MILLIS * 1_000_000;
            if (++misses >= MISSES_TO_BACK_OFF) {
                misses = 0;
                backOffUntil = until;
            } else if (misses >= MISSES_TO_STOP_POLLING) {
                pollingOffUntil = until;
            }
        } else if (misses > 0) {
            misses--;
        }
    }

    /** Forgets the score: the next call uses the pool (tests). */
    static synchronized void resetScore() {
        misses = 0;
        backOffUntil = System.nanoTime();
        pollingOffUntil = backOffUntil;
    }

    /** How many parts worker threads (not callers) have run in this process: 0 while the count is 1. */
    public static long partsRunByWorkers() {
        return PARTS_BY_WORKERS.sum();
    }

    /** The number of worker threads the pool has now (tests). */
    static int workerCount() {
        return workers.length;
    }

    /** Sizes the pool to {@code n} workers, stopping extra ones; only under {@link #BUSY}. */
    private static void ensureWorkers(int n) {
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
        spinNanos = effectiveSpin(n + 1);
    }

    private static long effectiveSpin(int threads) {
        return threads <= Runtime.getRuntime().availableProcessors() ? spinChosen : 0;
    }

    /**
     * Sets how long idle workers and waiting callers poll before they park, in microseconds
     * ({@code 0}: park at once); the default is {@code -Djgrad.spinMicros}, else 300. For
     * measuring the hand-off ({@code bench/scaling.sh}); results never depend on it.
     */
    public static void spinMicros(long micros) {
        if (micros < 0) {
            throw new IllegalArgumentException("Parallel.spinMicros: needs micros >= 0, got " + micros);
        }
        spinChosen = micros * 1000;
        spinNanos = effectiveSpin(workers.length + 1);
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

    /** {@code t} from part {@code part} as the exception the caller gets. */
    private static RuntimeException annotate(String op, Partition p, int part, Throwable t) {
        if (t instanceof PartFailed f) {
            return f;                                    // a nested kernel's failure, already named
        }
        String where = op + ": part " + part + " of " + p.parts() + " (items [" + p.from(part) + ", " + p.to(part)
                + ") of " + p.n() + ") failed on thread " + Thread.currentThread().getName();
        if (t instanceof Error e) {
            e.addSuppressed(new PartFailed(where, null));
            throw e;
        }
        return new PartFailed(where + ": " + t, t);
    }

    /** A kernel's part failed; the message names the op and the part. */
    private static final class PartFailed extends IllegalStateException {
        PartFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** One call's parts, claimed one at a time by the caller and the workers. */
    private static final class Job {
        final String op;
        final Partition p;
        final PartBody body;
        final long id;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger remaining;
        final AtomicReference<RuntimeException> failure = new AtomicReference<>();
        final AtomicReference<Error> error = new AtomicReference<>();
        volatile Thread waiter;

        Job(String op, Partition p, PartBody body, long id) {
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
                    if (Thread.currentThread() instanceof Worker) {
                        PARTS_BY_WORKERS.increment();     // before the count-down, so the caller sees it
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
                RuntimeException r = annotate(op, p, part, t);
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

        void rethrow() {
            if (error.get() != null) {
                throw error.get();
            }
            if (failure.get() != null) {
                throw failure.get();
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
                Job job = CURRENT.get();
                if (job != null && job.id != lastJob) {
                    lastJob = job.id;
                    if (job.moreThanOneUnclaimed()) {
                        wakeOne();                       // wake-ups fan out: each joiner wakes the next
                    }
                    job.work();
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < spinNow()) {
                    Thread.onSpinWait();
                } else {
                    parked.set(true);
                    Job again = CURRENT.get();
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
