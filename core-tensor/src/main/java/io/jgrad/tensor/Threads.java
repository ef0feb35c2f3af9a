package io.jgrad.tensor;

import io.jgrad.tensor.backend.Backend;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many CPU threads jgrad's kernels use, chosen once on the first {@link Tensor} so neither
 * library users nor the CLIs need environment variables.
 *
 * <p>Resolution order: system property {@code jgrad.threads}, then environment variable
 * {@code JGRAD_THREADS}, then jgrad's default (see {@link #defaultCount()}). With two, jgrad
 * splits large kernels itself ({@link Halves}: GEMMs of at least {@link Blas#SPLIT_MACS}
 * multiply-adds, long element-wise passes such as the optimizer updates) while ND4J and OpenBLAS
 * stay single-threaded: their own pools spin and hand off on every call, which slowed small
 * models down on two cores. With more than two, the count also goes to ND4J and OpenBLAS.
 * {@code OMP_WAIT_POLICY} cannot be changed after the native library has loaded; the launcher
 * scripts set {@code OMP_WAIT_POLICY=PASSIVE} so idle OpenMP threads sleep instead of spinning.
 */
public final class Threads {
    private static final Logger LOG = LoggerFactory.getLogger(Threads.class);
    static {
        JavaCppDefaults.apply();
        BlasCoreType.applyBeforeNativeLoad();   // before anything below loads OpenBLAS
        NativeMemory.init();
    }

    private static volatile int count;
    private static volatile String source = "unset";

    private Threads() {
    }

    /** Applies the configured thread count if not done yet; called on the first Tensor use. */
    public static void configure() {
        if (count == 0) {
            synchronized (Threads.class) {
                if (count == 0) {
                    String prop = System.getProperty("jgrad.threads");
                    String env = System.getenv("JGRAD_THREADS");
                    if (prop != null && !prop.isBlank()) {
                        apply(parse(prop, "system property jgrad.threads"), "jgrad.threads");
                    } else if (env != null && !env.isBlank()) {
                        apply(parse(env, "environment variable JGRAD_THREADS"), "JGRAD_THREADS");
                    } else {
                        apply(defaultCount(), "default");
                    }
                }
            }
        }
    }

    /** Sets the number of threads native kernels use from now on ({@code n >= 1}). */
    public static synchronized void set(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("Threads.set: the thread count must be at least 1, got " + n);
        }
        apply(n, "Threads.set");
    }

    /** The thread count in effect (configuring it first if needed). */
    public static int count() {
        configure();
        return count;
    }

    /** Where the count came from: {@code default}, {@code jgrad.threads}, {@code JGRAD_THREADS} or {@code Threads.set}. */
    public static String source() {
        configure();
        return source;
    }

    /**
     * jgrad's default: two threads when the machine has two cores or more, one otherwise. Two
     * are used only where the work pays for the hand-off, so small models run as on one thread
     * (measured in bench/README.md, "Threads"). Override with {@code -Djgrad.threads=n} or
     * {@code JGRAD_THREADS=n}.
     */
    static int defaultCount() {
        return Math.min(2, Runtime.getRuntime().availableProcessors());
    }

    /** The thread count ND4J's and OpenBLAS's own pools get: one unless more than two are configured. */
    static int nativeCount(int n) {
        return n > 2 ? n : 1;
    }

    private static int parse(String v, String what) {
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("Threads: " + what + " must be a positive integer, got '" + v + "'");
    }

    private static void apply(int n, String from) {
        int nat = nativeCount(n);
        Nd4j.getEnvironment().setMaxThreads(nat);
        Nd4j.getEnvironment().setMaxMasterThreads(nat);
        Nd4j.factory().blas().setMaxThreads(nat);
        if (Backend.current() == Backend.CPU) {
            Blas.useThreads(nat);          // OpenBLAS is the cpu backend's own; the nd4j backend never loads it
        }
        count = n;
        source = from;
        LOG.debug("jgrad uses {} thread(s) ({}), ND4J and OpenBLAS {}", n, from, nat);
    }
}
