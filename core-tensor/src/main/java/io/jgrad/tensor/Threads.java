package io.jgrad.tensor;

import io.jgrad.tensor.backend.Backend;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many CPU threads jgrad's native kernels use, chosen once on the first {@link Tensor}
 * so neither library users nor the CLIs need environment variables.
 *
 * <p>Resolution order: system property {@code jgrad.threads}, then environment variable
 * {@code JGRAD_THREADS}, then jgrad's default (see {@link #defaultCount()}). The count is applied
 * to ND4J's element-wise kernels (its own thread pool) and to the BLAS library (GEMM).
 * {@code OMP_WAIT_POLICY} cannot be changed after the native library has loaded; the launcher
 * scripts set {@code OMP_WAIT_POLICY=PASSIVE} so idle OpenMP threads sleep instead of spinning.
 */
public final class Threads {
    private static final Logger LOG = LoggerFactory.getLogger(Threads.class);
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
     * jgrad's default: one thread. Measured end to end on a 2-vCPU machine (bench/README.md):
     * with two, W1 and W3 ran 1.4× and 1.6× slower (a second BLAS thread's hand-off and spinning
     * cost more than they save on 128×784×256 products and compete with the JVM's own threads)
     * and W2 gained in one run of three. Override with {@code -Djgrad.threads=n} or
     * {@code JGRAD_THREADS=n}.
     */
    static int defaultCount() {
        return 1;
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
        Nd4j.getEnvironment().setMaxThreads(n);
        Nd4j.getEnvironment().setMaxMasterThreads(n);
        Nd4j.factory().blas().setMaxThreads(n);
        if (Backend.current() == Backend.CPU) {
            Blas.useThreads(n);            // OpenBLAS is the cpu backend's own; the nd4j backend never loads it
        }
        count = n;
        source = from;
        LOG.debug("jgrad uses {} native thread(s) ({})", n, from);
    }
}
