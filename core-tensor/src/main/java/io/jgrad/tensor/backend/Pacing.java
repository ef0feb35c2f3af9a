package io.jgrad.tensor.backend;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.LongSupplier;

/**
 * When {@link Parallel}'s threads poll before they park, and when calls use the pool at all,
 * from how the last jobs went (the reasons are in {@link Parallel}'s class comment, "Busy
 * machines" and "Hand-off"). Only who runs the parts and how threads wait depend on it, never
 * the parts.
 */
final class Pacing {
    /** How long an idle worker, or a caller waiting for its parts, polls before it parks, by default. */
    static final long SPIN_NANOS = Math.max(0, Long.getLong("jgrad.spinMicros", 300)) * 1000;
    /**
     * The score of late jobs ({@link #BAD_WEIGHT} each, less one per good job) that stops polling,
     * and that makes calls run inline. Were 4 and 8, one a job:
     * a collection or the deallocator threads after it (the JVM's own, every ~0.1 s in a plain MLP
     * loop) made that many in a row, and W1 spent most of its time on one core.
     */
    static final int MISSES_TO_STOP_POLLING = 8;
    static final int MISSES_TO_BACK_OFF = 16;
    /**
     * What one bad job (late, or its caller off its core) counts, against one for a good one: a
     * score that climbs once more than a third of the jobs go badly. Counted one for one, a
     * machine with one core busy elsewhere (about half the jobs bad) drifted around zero and never
     * backed off: W1 ran ~10% slower than it had with one bad job enough.
     */
    static final int BAD_WEIGHT = 2;
    /**
     * How long polling stays off, or calls run inline, once the jobs say so: the first time
     * {@value #MIN_WINDOW_MILLIS} ms, doubling up to {@value #MAX_WINDOW_MILLIS} ms while each
     * window is followed at once by another (a busy machine), back to the first once one passes
     * quietly. A fixed second outlived what usually set it off on a quiet 2-vCPU VM: a JIT compile
     * or a collection holding the other core for 15-300 ms.
     */
    static final long MIN_WINDOW_MILLIS = 50;
    static final long MAX_WINDOW_MILLIS = 1000;
    /** One job in this many (a power of two) measures whether its caller kept its core. */
    static final int CONTENTION_SAMPLE_EVERY = 8;
    /** The score of measured jobs whose caller lost its core ({@link #BAD_WEIGHT} each, less one per job that kept it) that stops polling. */
    static final int CONTENDED_SAMPLES_TO_STOP_POLLING = 12;

    /** How often, at most, the JIT's compile time is read. */
    static final long COMPILER_CHECK_NANOS = 50_000_000;

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static final boolean CPU_TIME = CPU.isCurrentThreadCpuTimeSupported() && CPU.isThreadCpuTimeEnabled();
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();
    private static final boolean JIT_TIME = JIT != null && JIT.isCompilationTimeMonitoringSupported();
    /** The JIT's total compile time, ms; read only when a reading is due ({@link #compilerRead}). */
    private static final LongSupplier JIT_MILLIS = () -> JIT.getTotalCompilationTime();
    private static long compilerCheckedAt = System.nanoTime();
    private static long compileMillis = JIT_TIME ? JIT.getTotalCompilationTime() : 0;

    /** The poll bound chosen ({@link #SPIN_NANOS} or {@link #spinMicros}), and the one in effect. */
    private static volatile long spinChosen = SPIN_NANOS;
    private static volatile long spinNanos = SPIN_NANOS;
    private static volatile long backOffUntil = System.nanoTime();
    private static volatile long pollingOffUntil = backOffUntil;
    /** Late jobs, and measured jobs whose caller lost its core. */
    private static final Score MISSES = new Score();
    private static final Score CONTENDED = new Score();
    /** The windows of polling off and of running inline, each lengthening on its own. */
    private static final Window POLLING_OFF = new Window();
    private static final Window INLINE = new Window();

    private Pacing() {
    }

    /** Whether calls currently run their parts on the caller (workers kept coming late). */
    static boolean backingOff() {
        return System.nanoTime() - backOffUntil < 0;
    }

    /** The poll bound in effect now: none while polling is off (the machine busy, or jobs coming late). */
    static long spinNow() {
        return System.nanoTime() - pollingOffUntil < 0 ? 0 : spinNanos;
    }

    /** The pool now runs {@code threads} threads: no polling when they outnumber the cores the JVM sees. */
    static void poolSized(int threads) {
        spinNanos = threads <= Runtime.getRuntime().availableProcessors() ? spinChosen : 0;
    }

    /** Sets the poll bound, in microseconds, for a pool of {@code threads} threads. */
    static void spinMicros(long micros, int threads) {
        spinChosen = micros * 1000;
        poolSized(threads);
    }

    /** Whether job {@code id} measures its caller's CPU time (one in {@value #CONTENTION_SAMPLE_EVERY}). */
    static boolean samples(long id) {
        return CPU_TIME && (id & (CONTENTION_SAMPLE_EVERY - 1)) == 0;
    }

    /** The calling thread's CPU time, ns. */
    static long cpuNanos() {
        return CPU.getCurrentThreadCpuTime();
    }

    /**
     * Scores one measured job: the caller, running its parts for {@code wallNanos}, was on a core
     * for {@code cpuNanos} of it. Losing its core for more than a fifth of that counts against the
     * machine ({@link #BAD_WEIGHT}), keeping it counts for it (one), and a score of
     * {@value #CONTENDED_SAMPLES_TO_STOP_POLLING} turns polling off for a {@link Window}: more
     * than a third of the jobs lose the core, the machine has no core to spare, and a polling
     * thread would take the slices the parts need.
     *
     * <p>Why a score, not one such job: on a quiet 2-vCPU VM single jobs lose the core for the JVM's own
     * reasons (waking a parked worker, which the scheduler may run on the caller's core; a
     * collection; the deallocator threads after it). One such job used to turn polling off, the
     * parked workers then made every small job late, the late jobs backed the calls off for a
     * second, and the first job after it, waking the workers, started the cycle again: W1 ran on
     * one core for most of each second (bench/README.md, "The second core, back").
     */
    static synchronized void sampleContention(long wallNanos, long cpuNanos) {
        if (wallNanos < 50_000 || cpuNanos < 0 || spinNow() == 0) {
            return;                                     // too short to tell, or polling is off already
        }
        if (cpuNanos * 5 >= wallNanos * 4) {
            CONTENDED.good();
        } else if (CONTENDED.bad() >= CONTENDED_SAMPLES_TO_STOP_POLLING) {
            CONTENDED.reset();
            pollingOffUntil = POLLING_OFF.next();
        }
    }

    /**
     * Calls run inline for the next 50 ms when the JIT's compiler threads were busy for at
     * least three quarters of the time since the last check (read at most every 50 ms, from a
     * measured job; with half, W2's first epochs ran inline longer and took 1.61-1.80 s against
     * 1.53-1.67).
     * On a 2-core machine a compile takes one core for tens to hundreds of milliseconds, as it
     * does for the first seconds of every run: a split's second part then waits for it or slows
     * it, while running the parts on the caller leaves the compiler its core, and the step reaches
     * its compiled speed sooner (W1's first epochs, bench/README.md "The second core, back").
     *
     * <p>A fixed 50 ms, checked again after it, rather than a {@link Window} that doubles while
     * windows follow each other (as it did): the compiler's busy spells are measured directly, so
     * nothing needs to outlast them, and late compiles of a step's larger methods (W2: 285 and
     * 170 ms, 6-9 s into the run) doubled the windows up to ~0.75 s of one-core steps each. W2's
     * third and fourth epochs took 1.20-1.37 s against 1.30-1.51 (bench/README.md, "Inline while
     * the compiler works, no longer").
     */
    static void sampleCompiler() {
        if (JIT_TIME) {
            compilerRead(System.nanoTime(), JIT_MILLIS);
        }
    }

    /**
     * {@link #sampleCompiler()} at {@code now}, with the JIT's total compile time in ms from
     * {@code totalMillis}: nothing (not even that reading) less than 50 ms after the last reading;
     * otherwise calls run inline for the next 50 ms if the compilers were busy for three quarters
     * of the time since.
     */
    static synchronized void compilerRead(long now, LongSupplier totalMillis) {
        long since = now - compilerCheckedAt;
        if (since < COMPILER_CHECK_NANOS) {
            return;
        }
        long total = totalMillis.getAsLong();
        boolean busy = (total - compileMillis) * 4_000_000 >= 3 * since;
        compilerCheckedAt = now;
        compileMillis = total;
        if (busy && now + COMPILER_CHECK_NANOS - backOffUntil > 0) {
            backOffUntil = now + COMPILER_CHECK_NANOS;
        }
    }

    /**
     * Scores one job: the caller ran {@code ran} of its {@code parts} parts in {@code ownNanos},
     * then waited {@code waitNanos} for the workers'. A miss when the whole took more than three
     * quarters of what the caller alone would have taken ({@code ownNanos·parts/ran}): the split
     * saved less than a quarter, so the workers' cores were busy elsewhere. A miss scores
     * {@link #BAD_WEIGHT}, a hit takes one off; at {@value #MISSES_TO_STOP_POLLING} workers and
     * callers park at once for a {@link Window}, at {@value #MISSES_TO_BACK_OFF} calls run inline
     * for one.
     */
    static synchronized void record(long ownNanos, long waitNanos, int ran, int parts) {
        if (ran >= parts || ran == 0) {
            return;                                     // the caller did all (workers never came), or none
        }
        if ((ownNanos + waitNanos) * 4 * ran <= 3 * ownNanos * parts) {
            MISSES.good();
            return;
        }
        int score = MISSES.bad();
        if (score >= MISSES_TO_BACK_OFF) {
            MISSES.reset();
            backOffUntil = INLINE.next();
        } else if (score >= MISSES_TO_STOP_POLLING && spinNow() > 0) {
            pollingOffUntil = POLLING_OFF.next();
        }
    }

    /** A score of bad jobs: {@link #BAD_WEIGHT} up for each, one down (not below 0) for each good one. Used under the class lock. */
    private static final class Score {
        private int value;

        /** Counts a bad job; returns the new score. */
        int bad() {
            value += BAD_WEIGHT;
            return value;
        }

        void good() {
            if (value > 0) {
                value--;
            }
        }

        void reset() {
            value = 0;
        }
    }

    /**
     * Windows of one kind (polling off, or running inline): each new one is twice the last when it
     * starts within a window's length of the last one's end, else the shortest. One JVM-internal
     * spell (a compile, a collection) so costs 50 ms; a loaded machine reaches the full second
     * after a few windows and stays there. Used under the class lock.
     */
    private static final class Window {
        private long nanos = MIN_WINDOW_MILLIS * 1_000_000;
        private long lastEnd = System.nanoTime() - MAX_WINDOW_MILLIS * 1_000_000;

        /** Opens a window now; returns its end. */
        long next() {
            long now = System.nanoTime();
            nanos = now - lastEnd < nanos ? Math.min(MAX_WINDOW_MILLIS * 1_000_000, 2 * nanos)
                    : MIN_WINDOW_MILLIS * 1_000_000;
            lastEnd = Math.max(lastEnd, now + nanos);
            return now + nanos;
        }

        void reset() {
            nanos = MIN_WINDOW_MILLIS * 1_000_000;
            lastEnd = System.nanoTime() - MAX_WINDOW_MILLIS * 1_000_000;
        }
    }

    /** Until when (System.nanoTime) calls run inline (tests). */
    static long inlineUntil() {
        return backOffUntil;
    }

    /** The length of the last window of running inline, ms (tests). */
    static synchronized long windowMillis() {
        return INLINE.nanos / 1_000_000;
    }

    /** Forgets the score: the next call uses the pool, polling (tests). */
    static synchronized void resetScore() {
        MISSES.reset();
        CONTENDED.reset();
        POLLING_OFF.reset();
        INLINE.reset();
        compilerCheckedAt = System.nanoTime();
        compileMillis = JIT_TIME ? JIT.getTotalCompilationTime() : 0;
        backOffUntil = System.nanoTime();
        pollingOffUntil = backOffUntil;
    }
}
