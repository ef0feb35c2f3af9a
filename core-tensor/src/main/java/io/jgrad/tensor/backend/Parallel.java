package io.jgrad.tensor.backend;

import io.jgrad.tensor.Threads;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * every job is scored ({@link Pacing#record}): a miss when it saved less than a quarter of the
 * caller's time alone. Once more than a third of the jobs miss (a score, {@link Pacing#record})
 * threads stop polling for a while (see the hand-off below); as the score climbs on, calls run
 * their parts on the caller for a while:
 * measured on a saturated 2-vCPU VM, W5 ran at 10.7 steps/s split against 18.5 on one thread.
 * "A while" is 50 ms, doubling up to a second while the windows follow each other (a loaded
 * machine), back to 50 ms after a quiet one: the usual cause on a quiet machine is the JVM's own
 * spell of work on the other core (a compile, a collection), and a fixed second outlived it, so W1
 * ran on one core most of the time (bench/README.md, "The second core, back").
 * Again only who runs the parts changes, never the parts.
 *
 * <p><b>Failures.</b> A part that throws stops the parts not yet started; once every running
 * part has finished, the first failure reaches the caller, once, as an
 * {@link IllegalStateException} naming the op and the part (an {@link Error} is rethrown as
 * itself, with that note attached as a suppressed exception); later failures are attached to it.
 *
 * <p><b>Hand-off.</b> An idle worker polls for the next job for {@link Pacing#SPIN_NANOS} (0.3 ms)
 * before it parks, and a caller out of parts polls for the workers' as long, but no longer than
 * half its own parts took (beyond that the job is late anyway), before it parks. Why poll: a
 * training step's kernels come tens of microseconds apart, and on a quiet 2-vCPU VM waking a
 * parked thread took long enough that the other core's half of a 0.3 ms GEMM came late (W1's
 * 128×784×256 product: 80 GFLOP/s on two threads as on one with a parked helper, 120 with a
 * polling one; bench/README.md, "Threads"). Why bounded, and why it stops: on a loaded machine
 * polling only burns the time slices the parts need: with the load average at ~20 on this 2-vCPU
 * VM, {@code bench/scaling.sh} timed the same product at 1.79 ms with polling and 0.41 ms with
 * threads parking at once. So every eighth job the caller compares its thread's CPU time with the
 * wall time of its parts, and when it was off its core for more than a fifth of it in more than
 * a third of such jobs for a while (a score, not one job), polling is off for a while
 * ({@link Pacing#sampleContention}); it is also off while jobs come late (above), and
 * altogether when more threads are configured than the JVM sees cores. {@code -Djgrad.spinMicros=n} or
 * {@link #spinMicros(long)} changes the bound ({@code 0}: always park at once); the probe in
 * {@code bench/scaling.sh} compares the two on the machine that runs it.
 *
 * <p>The pieces: this class (partitions, calls, failures), {@link PartJob} (one call's parts),
 * {@link KernelPool} (the worker threads) and {@link Pacing} (polling and backing off).
 */
public final class Parallel {
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

    /** Held by the one call whose parts the pool is running. */
    private static final AtomicBoolean BUSY = new AtomicBoolean();
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
        if (p.parts() == 1 || KernelPool.onWorker() || Pacing.backingOff() || !BUSY.compareAndSet(false, true)) {
            inline(op, p, body);
            return;
        }
        PartJob job;
        try {
            job = new PartJob(op, p, body, ++jobs);
            KernelPool.ensure(Threads.count() - 1);
            boolean sample = Pacing.samples(job.id);
            long c0 = sample ? Pacing.cpuNanos() : 0;
            long t0 = System.nanoTime();
            KernelPool.offer(job);
            int ran = job.work();
            long t1 = System.nanoTime();
            if (sample) {
                Pacing.sampleContention(t1 - t0, Pacing.cpuNanos() - c0);
                Pacing.sampleCompiler();
            }
            job.await(Math.min(Pacing.spinNow(), (t1 - t0) / 2));
            Pacing.record(t1 - t0, System.nanoTime() - t1, ran, p.parts());
        } finally {
            KernelPool.withdraw();
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

    /** How many parts worker threads (not callers) have run in this process: 0 while the count is 1. */
    public static long partsRunByWorkers() {
        return KernelPool.partsRunByWorkers();
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
        Pacing.spinMicros(micros, KernelPool.size() + 1);
    }

    /** {@code t} from part {@code part} as the exception the caller gets (an {@link Error} is thrown here). */
    static RuntimeException annotate(String op, Partition p, int part, Throwable t) {
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
}
