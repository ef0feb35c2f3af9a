package io.jgrad.tensor.backend;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * When {@link Parallel}'s threads poll before they park, and when calls use the pool at all,
 * from how the last jobs went (the reasons are in {@link Parallel}'s class comment, "Busy
 * machines" and "Hand-off"). Only who runs the parts and how threads wait depend on it, never
 * the parts.
 */
final class Pacing {
    /** How long an idle worker, or a caller waiting for its parts, polls before it parks, by default. */
    static final long SPIN_NANOS = Math.max(0, Long.getLong("jgrad.spinMicros", 300)) * 1000;
    static final int MISSES_TO_STOP_POLLING = 4;
    static final int MISSES_TO_BACK_OFF = 8;
    static final long BACK_OFF_MILLIS = 1000;
    /** One job in this many (a power of two) measures whether its caller kept its core. */
    static final int CONTENTION_SAMPLE_EVERY = 8;

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static final boolean CPU_TIME = CPU.isCurrentThreadCpuTimeSupported() && CPU.isThreadCpuTimeEnabled();

    /** The poll bound chosen ({@link #SPIN_NANOS} or {@link #spinMicros}), and the one in effect. */
    private static volatile long spinChosen = SPIN_NANOS;
    private static volatile long spinNanos = SPIN_NANOS;
    private static volatile long backOffUntil = System.nanoTime();
    private static volatile long pollingOffUntil = backOffUntil;
    private static int misses;

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
     * Turns polling off for {@value #BACK_OFF_MILLIS} ms when the caller, running its parts for
     * {@code wallNanos}, was on a core for less than 80% of that ({@code cpuNanos}): the machine
     * has no core to spare, and a polling thread would take the slices the parts need.
     */
    static void sampleContention(long wallNanos, long cpuNanos) {
        if (wallNanos >= 50_000 && cpuNanos >= 0 && cpuNanos * 5 < wallNanos * 4) {
            pollingOffUntil = System.nanoTime() + BACK_OFF_MILLIS * 1_000_000;
        }
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

    /** Forgets the score: the next call uses the pool, polling (tests). */
    static synchronized void resetScore() {
        misses = 0;
        backOffUntil = System.nanoTime();
        pollingOffUntil = backOffUntil;
    }
}
