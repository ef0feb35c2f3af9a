package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The process's backend decides its kernels, and the {@code nd4j} backend cannot reach the
 * {@code cpu} kernels: under {@code -Djgrad.backend=nd4j}, {@link Ops#get()} is {@link Nd4jOps},
 * and no compiled class of the seam but the cpu backend's own (and the factories that name them) names a
 * cpu kernel class, BLAS or a host-pointer API.
 */
class OpsSelectionTest {
    /** What a cpu-only kernel would reference: jgrad's JVM/BLAS kernels, OpenBLAS, host pointers and spans, NIO views. */
    private static final List<String> CPU_ONLY = List.of("io/jgrad/tensor/Blas", "io/jgrad/tensor/Kernels",
            "io/jgrad/tensor/HostChunks", "io/jgrad/tensor/BatchNormKernel", "io/jgrad/tensor/UpdateKernels",
            "io/jgrad/tensor/AdamPass",
            "io/jgrad/tensor/backend/CpuOps", "io/jgrad/tensor/backend/CpuConvOps", "io/jgrad/tensor/backend/CpuPool2d",
            "io/jgrad/tensor/backend/CpuBatchNorm2d", "io/jgrad/tensor/backend/CpuChannelAffine",
            "io/jgrad/tensor/backend/HostFloats", "io/jgrad/tensor/backend/Im2col",
            "io/jgrad/tensor/backend/Im2colHwc",
            "io/jgrad/tensor/backend/Parallel", "io/jgrad/tensor/backend/CpuRecurrentCells", "io/jgrad/tensor/backend/CpuLstmPass",
            "io/jgrad/tensor/backend/CpuGruPass", "io/jgrad/tensor/backend/RecurrentRows", "io/jgrad/tensor/backend/GateMath",
            "io/jgrad/tensor/backend/CpuLayerNorm", "io/jgrad/tensor/backend/CpuSoftmax", "io/jgrad/tensor/backend/CpuGelu",
            "io/jgrad/tensor/backend/CpuDropout", "io/jgrad/tensor/backend/HostSpan", "org/bytedeco", "cblas_",
            "addressPointer", "asNio", "sun/misc/Unsafe");
    /** The cpu backend's own classes, and the factories that name them: the only ones allowed to. */
    private static final List<String> CPU_KERNELS = List.of("CpuOps", "Ops", "Selected", "CpuConvOps", "CpuPool2d",
            "CpuBatchNorm2d", "CpuChannelAffine", "CpuCrossEntropy", "HostFloats", "Im2col", "Im2colHwc", "Parallel", "PartJob", "KernelPool",
            "Pacing", "CpuRecurrentCells", "CpuLstmPass", "CpuGruPass", "RecurrentRows", "StepGemm", "GateMath",
            "CpuLayerNorm", "CpuSoftmax", "CpuGelu", "GeluFloat", "CpuDropout", "BufferCache", "HostSpan",
            "Transfers");   // the counting chokepoint: its host view is the cpu kernels' only way into native memory

    @Test
    void getAnswersTheCurrentBackendsKernelsOnce() {
        Ops ops = Ops.get();
        assertEquals(Backend.current(), ops.backend());
        assertSame(ops, Ops.get());
        assertEquals(Backend.current() == Backend.CPU ? CpuOps.class : Nd4jOps.class, ops.getClass());
    }

    @Test
    void theSeamsClassesButCpuOpsReferenceNoCpuKernel() throws IOException, URISyntaxException {
        Path dir = Path.of(Nd4jOps.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("io/jgrad/tensor/backend");
        List<Path> classes;
        try (Stream<Path> files = Files.list(dir)) {
            classes = files.filter(f -> f.getFileName().toString().endsWith(".class"))
                    .filter(f -> !CPU_KERNELS.contains(f.getFileName().toString().replaceAll("[$.].*", "")))
                    .toList();
        }
        assertTrue(classes.stream().anyMatch(f -> f.getFileName().toString().equals("Nd4jOps.class"))
                && classes.size() >= 6, "found the seam's classes: " + classes);
        for (Path c : classes) {
            String constants = new String(Files.readAllBytes(c), StandardCharsets.ISO_8859_1);
            for (String forbidden : CPU_ONLY) {
                assertFalse(constants.contains(forbidden), c.getFileName() + " references " + forbidden);
            }
        }
    }

    @Test
    void theCpuBackendReallyReferencesItsKernels() throws IOException, URISyntaxException {
        Path c = Path.of(CpuOps.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("io/jgrad/tensor/backend/CpuOps.class");
        String constants = new String(Files.readAllBytes(c), StandardCharsets.ISO_8859_1);
        assertTrue(constants.contains("io/jgrad/tensor/Blas"), "the scan above would see a kernel reference");
    }
}
