package io.jgrad.tensor.backend;

import java.util.Locale;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Which family of kernels runs jgrad's numerics, chosen once per process.
 *
 * <p>{@code cpu}: direct BLAS calls and JVM loops over host memory (fastest on ND4J's CPU
 * backend). {@code nd4j}: ND4J's own ops only, with no host pointer, the path ND4J's CUDA
 * backend can run. Resolution order: system property {@code jgrad.backend}, then environment
 * variable {@code JGRAD_BACKEND}, then {@code cpu} on ND4J's CPU backend and {@code nd4j} on
 * any other. Every public result is the same on both, within float32 rounding.
 *
 * <pre>{@code
 * // java -Djgrad.backend=nd4j ...   (or JGRAD_BACKEND=nd4j), read once at start-up
 * Backend b = Backend.current();      // CPU or ND4J
 * }</pre>
 */
public enum Backend {
    CPU("cpu"),
    ND4J("nd4j");

    private final String id;
    private static volatile Backend current;

    Backend(String id) {
        this.id = id;
    }

    /** The name used in {@code jgrad.backend}: {@code cpu} or {@code nd4j}. */
    public String id() {
        return id;
    }

    /** The backend of this process, resolved on first use. */
    public static Backend current() {
        Backend b = current;
        if (b == null) {
            synchronized (Backend.class) {
                if (current == null) {
                    current = resolve(System.getProperty("jgrad.backend"), System.getenv("JGRAD_BACKEND"), nd4jIsCpu());
                }
                b = current;
            }
        }
        return b;
    }

    /**
     * The backend named by the property, else the environment variable, else the default for
     * the ND4J backend in use.
     *
     * @throws IllegalArgumentException for a name that is neither {@code cpu} nor {@code nd4j}
     */
    static Backend resolve(String property, String environment, boolean nd4jIsCpu) {
        if (property != null && !property.isBlank()) {
            return parse(property, "system property jgrad.backend");
        }
        if (environment != null && !environment.isBlank()) {
            return parse(environment, "environment variable JGRAD_BACKEND");
        }
        return nd4jIsCpu ? CPU : ND4J;
    }

    /** The backend called {@code name} ({@code cpu} or {@code nd4j}, any case). */
    public static Backend parse(String name, String source) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Backend b : values()) {
            if (b.id.equals(n)) {
                return b;
            }
        }
        throw new IllegalArgumentException("jgrad backend: unknown value '" + name + "' in " + source
                + "; expected cpu or nd4j");
    }

    /** Whether ND4J runs on the host, as ND4J itself reports it (its environment, not a class name). */
    private static boolean nd4jIsCpu() {
        return Nd4j.getEnvironment().isCPU();
    }

    /**
     * How many copies between ND4J memory and the JVM jgrad has made since start-up, on either
     * backend: every read of elements into the JVM ({@code item()}, {@code toFloatArray()}, a
     * host kernel's view of native memory on {@code cpu}) and every write from it
     * ({@code Tensor.of}, a batch gather). All of them pass through {@link Transfers}. On
     * {@code nd4j} a training step of the layers above (forward, loss, backward, optimizer step,
     * scheduler) makes none of its own.
     */
    public static long hostTransfers() {
        return Transfers.count();
    }

    /**
     * The part of {@link #hostTransfers()} that moved values from ND4J memory into the JVM
     * (reads: {@code item()}, {@code toFloatArray()}, host views). On a GPU these are the copies
     * that stall the device until it has caught up.
     */
    public static long hostReads() {
        return Transfers.reads();
    }

    /**
     * The part of {@link #hostTransfers()} that moved JVM values into ND4J memory (uploads:
     * {@code Tensor.of}, {@code Tensor.ofLongs}, a batch gather, a label one-hot), which a data
     * loader makes for every batch, as PyTorch's {@code batch.to(device)} does.
     */
    public static long hostUploads() {
        return Transfers.uploads();
    }

    @Override
    public String toString() {
        return id;
    }
}
