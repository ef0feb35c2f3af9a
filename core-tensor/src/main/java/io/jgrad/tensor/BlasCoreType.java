package io.jgrad.tensor;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the OpenBLAS that ND4J bundles (0.3.19) which kernels to run, from the CPU's features,
 * before the native library loads.
 *
 * <p>Why: OpenBLAS picks its kernels from the CPU model it recognises. 0.3.19 predates many current
 * server CPUs and virtual machines that report a generic model; there it falls back to generic
 * kernels and a float GEMM ran at 31–34 GFLOP/s a thread on an AVX-512 Xeon, against 140–160 with
 * its SkylakeX kernels (bench/README.md). The instruction sets, not the model name, decide which
 * kernels can run, so jgrad reads them ({@code /proc/cpuinfo}) and sets {@code OPENBLAS_CORETYPE}
 * in the process's own environment (libc {@code setenv}, see {@link NativeEnv}); OpenBLAS reads it
 * when it loads. A value the user set is kept, as is any choice on a machine where the features
 * cannot be read (not Linux, not x86-64). On Intel CPUs jgrad's own float GEMMs run on MKL
 * instead ({@link BlasLibrary}); this choice still serves them elsewhere, and ND4J's own ops
 * everywhere.
 */
public final class BlasCoreType {
    private static final Logger LOG = LoggerFactory.getLogger(BlasCoreType.class);
    static final String VARIABLE = "OPENBLAS_CORETYPE";
    /** What OpenBLAS's SkylakeX kernels execute (AVX-512 foundation and the byte/word, vector-length, dword/qword sets). */
    private static final List<String> SKYLAKEX = List.of("avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd");
    /** What its Haswell kernels execute; AMD's Zen cores use these too. */
    private static final List<String> HASWELL = List.of("avx2", "fma");

    private static volatile String decision = "not applied yet";
    /** The core type set in the environment, by jgrad or the user; null for OpenBLAS's own detection. */
    private static volatile String core;

    private BlasCoreType() {
    }

    /**
     * The core type for a CPU with these feature flags (as {@code /proc/cpuinfo} spells them), or
     * empty when OpenBLAS's own detection should stand (no AVX2: its older kernels are all it has).
     */
    public static Optional<String> choose(Set<String> cpuFlags) {
        if (cpuFlags.containsAll(SKYLAKEX)) {
            return Optional.of("SkylakeX");
        }
        if (cpuFlags.containsAll(HASWELL)) {
            return Optional.of("Haswell");
        }
        return Optional.empty();
    }

    /**
     * Whether jgrad's GEMMs run on OpenBLAS ({@link BlasLibrary}) with its SkylakeX kernels, chosen
     * here or by the user: those include
     * small-matrix kernels that multiply {@code m·n·k ≤ 10⁶} products in place, without packing
     * either operand ({@code sgemm_small_kernel_*_SKYLAKEX}, 0.3.16 and later).
     */
    public static boolean smallMatrixKernels() {
        applyBeforeNativeLoad();
        return BlasLibrary.current() == BlasLibrary.Choice.OPENBLAS && core != null
                && (core.equalsIgnoreCase("SkylakeX") || core.equalsIgnoreCase("Cooperlake"));
    }

    /** What {@link #applyBeforeNativeLoad()} decided, for logs and diagnostics. */
    public static String decision() {
        return decision;
    }

    /**
     * Sets {@code OPENBLAS_CORETYPE} unless the user did, once, before ND4J loads OpenBLAS. Has no
     * effect when OpenBLAS is already loaded (a program that used ND4J before jgrad).
     */
    static synchronized void applyBeforeNativeLoad() {
        if (!"not applied yet".equals(decision)) {
            return;
        }
        String user = System.getenv(VARIABLE);
        if (user != null && !user.isBlank()) {
            decision = VARIABLE + "=" + user + " (set by the user, kept)";
            core = user.trim();
        } else {
            Set<String> flags = cpuFlags();
            Optional<String> core = choose(flags);
            if (core.isEmpty()) {
                decision = "OpenBLAS's own detection (" + (flags.isEmpty() ? "CPU features unreadable" : "no AVX2") + ")";
            } else if (NativeEnv.set(VARIABLE, core.get())) {
                decision = VARIABLE + "=" + core.get() + " (chosen from the CPU's features)";
                BlasCoreType.core = core.get();
            } else {
                decision = "OpenBLAS's own detection (could not set " + VARIABLE + ")";
            }
        }
        LOG.debug("BLAS: ND4J's bundled OpenBLAS 0.3.19, kernels: {}", decision);
    }

    /** The CPU's feature flags from {@code /proc/cpuinfo}'s first {@code flags} line; empty when unreadable. */
    static Set<String> cpuFlags() {
        String arch = System.getProperty("os.arch", "");
        if (!arch.equals("amd64") && !arch.equals("x86_64")) {
            return Set.of();
        }
        String flags = CpuInfo.first("flags");
        return flags.isEmpty() ? Set.of() : new TreeSet<>(Arrays.asList(flags.split("\\s+")));
    }
}
