package io.jgrad.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jgrad.tensor.BlasLibrary.Choice;
import io.jgrad.tensor.backend.Backend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link BlasLibrary}: the choice on known vendors and settings, then which library a child JVM really maps. */
class BlasLibraryTest {
    @Test
    void intelCpusGetMklWhenItsNativesArePresent() {
        assertEquals(Choice.MKL, BlasLibrary.choose("GenuineIntel", true, null));
        assertEquals(Choice.MKL, BlasLibrary.choose("GenuineIntel", true, " Auto "));
        assertEquals(Choice.OPENBLAS, BlasLibrary.choose("GenuineIntel", false, null), "redist excluded");
    }

    @Test
    void otherVendorsKeepOpenBlas() {
        assertEquals(Choice.OPENBLAS, BlasLibrary.choose("AuthenticAMD", true, null));
        assertEquals(Choice.OPENBLAS, BlasLibrary.choose("HygonGenuine", true, "auto"));
        assertEquals(Choice.OPENBLAS, BlasLibrary.choose("", true, null), "vendor unreadable");
    }

    @Test
    void theUserDecides() {
        assertEquals(Choice.OPENBLAS, BlasLibrary.choose("GenuineIntel", true, "openblas"));
        assertEquals(Choice.MKL, BlasLibrary.choose("AuthenticAMD", true, "MKL"));
    }

    @Test
    void impossibleOrUnknownAsksFailClearly() {
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> BlasLibrary.choose("GenuineIntel", false, "mkl"));
        assertTrue(missing.getMessage().contains("jgrad.blas") && missing.getMessage().contains("linux-x86_64-redist"),
                missing.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> BlasLibrary.choose("GenuineIntel", true, "blis"));
        assertTrue(unknown.getMessage().contains("'blis'") && unknown.getMessage().contains("auto, mkl or openblas"),
                unknown.getMessage());
    }

    @Test
    void theDecisionIsMadeBeforeNativeCodeLoads() {
        Threads.count();
        assertTrue(!BlasLibrary.decision().equals("not applied yet"), BlasLibrary.decision());
    }

    @Test
    void theChosenLibraryIsTheOneThatMultiplies() throws Exception {
        assumeTrue(Backend.current() == Backend.CPU, "jgrad's GEMMs run on the cpu backend");
        assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "needs Linux's /proc");
        Choice expected = BlasLibrary.choose(BlasLibrary.cpuVendor(),
                BlasLibrary.class.getClassLoader().getResource(BlasLibrary.MKL_RESOURCE) != null, null);
        assertEquals(expected == Choice.MKL, mapsMkl(null), "jgrad's own choice (" + expected + ")");
        assertEquals(false, mapsMkl("openblas"), "-Djgrad.blas=openblas");
    }

    /** Whether a child JVM that multiplies through jgrad's BLAS path has MKL's runtime mapped. */
    private static boolean mapsMkl(String asked) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path")));
        if (asked != null) {
            cmd.add("-Djgrad.blas=" + asked);
        }
        cmd.add(GemmAndMaps.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove(BlasLibrary.ENV);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM finished");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("decision: "), out);
        return out.contains("mapped: libmkl_rt");
    }

    /** The child: one product through jgrad's BLAS path, then the MKL runtime lines of its own memory map. */
    public static final class GemmAndMaps {
        public static void main(String[] args) throws IOException {
            Tensor a = Tensor.ones(64, 64);
            Tensor c = Tensor.zeros(64, 64);
            Blas.gemm(a.array(), false, a.array(), false, c.array(), 1, 0);
            if (c.array().getFloat(0, 0) != 64f) {
                throw new AssertionError("64x64 ones squared: " + c.array().getFloat(0, 0));
            }
            System.out.println("decision: " + BlasLibrary.decision());
            Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains("libmkl_rt")).findFirst()
                    .ifPresent(l -> System.out.println("mapped: libmkl_rt"));
        }
    }
}
