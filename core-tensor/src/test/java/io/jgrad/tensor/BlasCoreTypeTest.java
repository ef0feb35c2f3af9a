package io.jgrad.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jgrad.tensor.backend.Backend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The OpenBLAS kernel choice of {@link BlasCoreType}: the logic on known CPUs, then OpenBLAS's own word in a child JVM. */
class BlasCoreTypeTest {
    // feature flags as /proc/cpuinfo spells them (abridged to what matters and some neighbours)
    private static final Set<String> SAPPHIRE_RAPIDS = Set.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512dq",
            "avx512cd", "avx512bw", "avx512vl", "avx512_bf16", "avx512_fp16", "amx_tile", "amx_bf16");
    private static final Set<String> EPYC_ZEN3 = Set.of("sse4_2", "avx", "avx2", "fma", "bmi2", "sha_ni", "vaes");
    private static final Set<String> EPYC_ZEN4 = Set.of("avx", "avx2", "fma", "avx512f", "avx512dq", "avx512cd",
            "avx512bw", "avx512vl", "avx512_bf16");
    private static final Set<String> KNIGHTS_LANDING = Set.of("avx", "avx2", "fma", "avx512f", "avx512cd",
            "avx512er", "avx512pf");
    private static final Set<String> SANDY_BRIDGE = Set.of("sse4_2", "avx");

    @Test
    void avx512ServersGetSkylakeXKernels() {
        assertEquals(Optional.of("SkylakeX"), BlasCoreType.choose(SAPPHIRE_RAPIDS));
        assertEquals(Optional.of("SkylakeX"), BlasCoreType.choose(EPYC_ZEN4));
    }

    @Test
    void avx2OnlyMachinesGetHaswellKernels() {
        assertEquals(Optional.of("Haswell"), BlasCoreType.choose(EPYC_ZEN3));
        // AVX-512 foundation without the byte/word and vector-length sets cannot run SkylakeX's kernels
        assertEquals(Optional.of("Haswell"), BlasCoreType.choose(KNIGHTS_LANDING));
    }

    @Test
    void olderCpusKeepOpenBlasOwnDetection() {
        assertEquals(Optional.empty(), BlasCoreType.choose(SANDY_BRIDGE));
        assertEquals(Optional.empty(), BlasCoreType.choose(Set.of()));
    }

    @Test
    void theDecisionIsMadeBeforeNativeCodeLoads() {
        Threads.count();
        assertTrue(!BlasCoreType.decision().equals("not applied yet"), BlasCoreType.decision());
    }

    @Test
    void openBlasRunsTheChosenKernelsWithNoSettingByTheUser() throws Exception {
        assumeTrue(Backend.current() == Backend.CPU, "OpenBLAS is loaded by the cpu backend");
        Optional<String> expected = BlasCoreType.choose(BlasCoreType.cpuFlags());
        assumeTrue(expected.isPresent(), "this CPU keeps OpenBLAS's own detection");
        assertEquals("Core: " + expected.get(), openBlasCore(null, null));
    }

    @Test
    void aCoreTypeTheUserSetIsKept() throws Exception {
        assumeTrue(Backend.current() == Backend.CPU, "OpenBLAS is loaded by the cpu backend");
        assumeTrue(BlasCoreType.choose(BlasCoreType.cpuFlags()).isPresent(), "needs an AVX2 machine");
        assertEquals("Core: Haswell", openBlasCore("Haswell", null));
    }

    @Test
    void aVariableSetInsideTheJvmBeforeLoadingReachesOpenBlas() throws Exception {
        // the mechanism itself: on a machine OpenBLAS recognises, the chosen kernels equal its own,
        // so this sets a different one from inside the child before jgrad loads anything
        assumeTrue(Backend.current() == Backend.CPU, "OpenBLAS is loaded by the cpu backend");
        assumeTrue(BlasCoreType.choose(BlasCoreType.cpuFlags()).isPresent(), "needs an AVX2 machine");
        assertEquals("Core: Haswell", openBlasCore(null, "Haswell"));
        assertEquals("Core: Sandybridge", openBlasCore(null, "Sandybridge"));
    }

    /** The "Core: ..." line OpenBLAS prints at load (OPENBLAS_VERBOSE=2) in a child JVM that multiplies two tensors. */
    private static String openBlasCore(String userCoreType, String setInside) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                GemmOnce.class.getName(), setInside == null ? "" : setInside).redirectErrorStream(true);
        pb.environment().remove(BlasCoreType.VARIABLE);
        pb.environment().put("OPENBLAS_VERBOSE", "2");
        if (userCoreType != null) {
            pb.environment().put(BlasCoreType.VARIABLE, userCoreType);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM finished");
        assertEquals(0, p.exitValue(), out);
        return out.lines().filter(l -> l.startsWith("Core: ")).findFirst().orElse("no Core line in: " + out);
    }

    /** The child: one product through jgrad's BLAS path, after setting the variable in-process when asked. */
    public static final class GemmOnce {
        public static void main(String[] args) {
            if (!args[0].isEmpty()) {
                NativeEnv.set(BlasCoreType.VARIABLE, args[0]);
            }
            Tensor a = Tensor.ones(64, 64);
            Blas.gemm(a.array(), false, a.array(), false, Tensor.zeros(64, 64).array(), 1, 0);
            System.out.println(BlasCoreType.decision());
        }
    }
}
