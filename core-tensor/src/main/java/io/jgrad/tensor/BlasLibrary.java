package io.jgrad.tensor;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the library behind jgrad's float GEMMs (the {@code cpu} backend's {@link Blas} calls,
 * the im2col convolutions and the recurrent step products) before any native code loads: Intel's
 * MKL on Intel CPUs, OpenBLAS elsewhere.
 *
 * <p>Why: on an AVX-512 Xeon, ND4J's OpenBLAS 0.3.19 (even with its SkylakeX kernels, see
 * {@link BlasCoreType}) multiplies a training step's skinny products, e.g. a batch of 128 through
 * a 784×256 layer, 15–25% slower on one thread than MKL 2022, which is what PyTorch's own products
 * run on; a newer OpenBLAS (0.3.31) ran them no faster (bench/README.md, "MKL for the GEMMs").
 * jgrad therefore depends on JavaCPP's build of MKL 2022.0 for the JavaCPP version ND4J 1.0.0-M2.1
 * was made with ({@code org.bytedeco:mkl:2022.0-1.5.7:linux-x86_64-redist}) and has JavaCPP load
 * it in OpenBLAS's place ({@code org.bytedeco.openblas_nolapack.load=mkl_rt}, JavaCPP's own
 * mechanism; MKL's {@code libopenblas_nolapack} shim maps OpenBLAS's thread calls). On other
 * vendors' CPUs MKL is not chosen: Intel does not promise its fast paths there. ND4J's own
 * products go through the same binding, so they follow the choice.
 *
 * <p>The user decides with system property {@code jgrad.blas} or environment variable
 * {@code JGRAD_BLAS} ({@code mkl}, {@code openblas}; {@code auto} is the default), or by
 * excluding the redist artifact. A load property the user set for JavaCPP is kept.
 */
public final class BlasLibrary {
    private static final Logger LOG = LoggerFactory.getLogger(BlasLibrary.class);
    static final String PROPERTY = "jgrad.blas";
    static final String ENV = "JGRAD_BLAS";
    /** JavaCPP's property naming the library its {@code openblas_nolapack} preset loads. */
    static final String JAVACPP_LOAD = "org.bytedeco.openblas_nolapack.load";
    /** MKL's runtime library inside the redist artifact, as JavaCPP finds it on the class path. */
    static final String MKL_RESOURCE = "org/bytedeco/mkl/linux-x86_64/libmkl_rt.so.2";

    /** The libraries jgrad can run its float GEMMs on. */
    public enum Choice { MKL, OPENBLAS }

    private static volatile Choice chosen;
    private static volatile String decision = "not applied yet";

    private BlasLibrary() {
    }

    /**
     * The library for a CPU of this vendor ({@code /proc/cpuinfo}'s {@code vendor_id}), given
     * whether MKL's natives are on the class path and what the user asked for ({@code null} or
     * {@code auto}: jgrad's choice). Asking for MKL where it is missing is an error.
     */
    public static Choice choose(String vendor, boolean mklPresent, String asked) {
        String a = asked == null ? "auto" : asked.trim().toLowerCase(Locale.ROOT);
        switch (a) {
            case "auto":
            case "":
                return mklPresent && "GenuineIntel".equals(vendor) ? Choice.MKL : Choice.OPENBLAS;
            case "openblas":
                return Choice.OPENBLAS;
            case "mkl":
                if (!mklPresent) {
                    throw new IllegalStateException("BLAS choice: " + PROPERTY + "/" + ENV + "=mkl, but MKL's natives ("
                            + MKL_RESOURCE + ", artifact org.bytedeco:mkl:linux-x86_64-redist) are not on the class path");
                }
                return Choice.MKL;
            default:
                throw new IllegalArgumentException("BLAS choice: " + PROPERTY + "/" + ENV + "='" + asked
                        + "': expected auto, mkl or openblas");
        }
    }

    /** The library chosen for jgrad's float GEMMs (choosing it now if nothing native has loaded yet). */
    public static Choice current() {
        applyBeforeNativeLoad();
        return chosen;
    }

    /** What {@link #applyBeforeNativeLoad()} decided, for logs and diagnostics. */
    public static String decision() {
        return decision;
    }

    /** Makes the choice once, before ND4J loads its native libraries ({@link Threads}'s first use). */
    static synchronized void applyBeforeNativeLoad() {
        if (chosen != null) {
            return;
        }
        String asked = System.getProperty(PROPERTY);
        if (asked == null || asked.isBlank()) {
            asked = System.getenv(ENV);
        }
        boolean auto = asked == null || asked.isBlank() || asked.trim().equalsIgnoreCase("auto");
        String javacpp = System.getProperty(JAVACPP_LOAD);
        if (javacpp != null && !javacpp.isBlank()) {
            chosen = javacpp.contains("mkl") ? Choice.MKL : Choice.OPENBLAS;
            decision = JAVACPP_LOAD + "=" + javacpp + " (set by the user, kept)";
        } else {
            boolean present = BlasLibrary.class.getClassLoader().getResource(MKL_RESOURCE) != null;
            String vendor = cpuVendor();
            Choice c = choose(vendor, present, asked);
            if (c == Choice.MKL) {
                System.setProperty(JAVACPP_LOAD, "mkl_rt");
                // MKL's calls run one thread each (jgrad cuts products itself); GNU's OpenMP is ND4J's too
                NativeEnv.set("MKL_THREADING_LAYER", "GNU");
            }
            chosen = c;
            String why = auto ? "CPU vendor " + (vendor.isEmpty() ? "unknown" : vendor) + ", MKL " + (present ? "present" : "absent")
                    : "asked for by " + PROPERTY + "/" + ENV;
            decision = (c == Choice.MKL ? "Intel MKL 2022.0" : "OpenBLAS 0.3.19") + " (" + why + ")";
        }
        LOG.debug("BLAS for jgrad's float GEMMs: {}", decision);
    }

    /** {@code /proc/cpuinfo}'s first {@code vendor_id}; empty when unreadable. */
    static String cpuVendor() {
        return CpuInfo.first("vendor_id");
    }
}
