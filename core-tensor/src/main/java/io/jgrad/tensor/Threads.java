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
 * {@code JGRAD_THREADS}, then jgrad's default, the cores the JVM sees (see
 * {@link #defaultCount()}). The {@code cpu} backend's kernels split their work over that many
 * threads through one runtime ({@link io.jgrad.tensor.backend.Parallel}): GEMMs of at least
 * {@link Blas#SPLIT_MACS} multiply-adds are cut into up to that many slabs, each one
 * single-threaded OpenBLAS call, so OpenBLAS's own pool stays at one thread and there is one
 * pool, not two; element-wise passes, optimizer updates, batch norm, convolution and pooling
 * are cut the same way. With a count of one, every kernel runs on its caller. ND4J's own ops
 * (the {@code nd4j} backend, and the {@code cpu} backend's fallbacks for other types and
 * layouts) get the count for their OpenMP pool, and on the {@code nd4j} backend OpenBLAS does
 * too, when more than two are configured, one thread otherwise: their pools spin and hand off
 * on every call, which slowed small models down on two cores. {@code OMP_WAIT_POLICY} cannot be
 * changed after the native library has loaded; the launcher scripts set
 * {@code OMP_WAIT_POLICY=PASSIVE} so idle OpenMP threads sleep instead of spinning.
 */
public final class Threads {
    private static final Logger LOG = LoggerFactory.getLogger(Threads.class);
    static {
        JavaCppDefaults.apply();
        BlasLibrary.applyBeforeNativeLoad();    // before anything below loads a BLAS
        BlasCoreType.applyBeforeNativeLoad();
        NativeMemory.init();
    }

    private static volatile int count;
    private static volatile String source = "unset";
    /** The thread count last given to ND4J's BLAS binding; 0 before the first. */
    private static int ndBlasThreads;

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
     * jgrad's default: the cores the JVM sees ({@code Runtime.availableProcessors()}, which
     * follows container limits and CPU affinity). Kernels split only where the work pays for the
     * hand-off (each one's grain), so small models still run as on one thread (measured in
     * bench/README.md, "Threads"). Override with {@code -Djgrad.threads=n} or
     * {@code JGRAD_THREADS=n}.
     */
    static int defaultCount() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** The thread count ND4J's own pools get: one unless more than two are configured. */
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
        boolean cpu = Backend.current() == Backend.CPU;
        // the cpu backend splits GEMMs itself (Parallel), so OpenBLAS's own pool stays at one
        // thread there; the nd4j backend never loads jgrad's OpenBLAS binding, ND4J's goes to its
        int blas = cpu ? 1 : nat;
        if (blas != ndBlasThreads) {    // once per change: the binding looks its symbols up on every call
            Nd4j.factory().blas().setMaxThreads(blas);
            ndBlasThreads = blas;
        }
        if (cpu) {
            Blas.useThreads(1);
        }
        count = n;
        source = from;
        LOG.debug("jgrad uses {} thread(s) ({}); ND4J {}, OpenBLAS {}", n, from, nat, cpu ? 1 : nat);
    }
}
