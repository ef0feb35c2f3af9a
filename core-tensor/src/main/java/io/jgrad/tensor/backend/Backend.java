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

    private static boolean nd4jIsCpu() {
        return Nd4j.getBackend().getClass().getName().toLowerCase(Locale.ROOT).contains("cpu");
    }

    @Override
    public String toString() {
        return id;
    }
}
