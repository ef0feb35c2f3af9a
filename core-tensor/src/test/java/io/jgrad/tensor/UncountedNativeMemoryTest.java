package io.jgrad.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's own op results are native memory jgrad does not count; {@link NativeMemory}'s resident
 * guard must still bound them when nothing else makes the collector run (a large heap, tiny Java
 * objects). Each child JVM drops 250 ND4J results of 16 MB (4 GB), 10 ms apart; the peak resident
 * size decides: at most one collection per 0.5 s lets ~50 of them (800 MB) pile up between two.
 */
class UncountedNativeMemoryTest {

    @Test
    void theResidentGuardBoundsUncountedNativeGarbage() throws Exception {
        long guarded = peakResidentMiB("32");
        long unguarded = peakResidentMiB("0");         // -Djgrad.nativeBudgetMiB=0 turns the guards off
        assertTrue(unguarded > 3_000, "the unguarded loop should pile up its garbage, peak " + unguarded + " MiB");
        assertTrue(guarded < 1_500, "guarded peak " + guarded + " MiB (unguarded " + unguarded + " MiB)");
    }

    private static long peakResidentMiB(String budget) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xms2g", "-Xmx2g", "-Djgrad.nativeBudgetMiB=" + budget, "-cp",
                System.getProperty("java.class.path"), Garbage.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.lines().filter(l -> l.startsWith("peak ")).mapToLong(l -> Long.parseLong(l.substring(5).trim()))
                .findFirst().orElseThrow(() -> new AssertionError("no peak line in: " + out));
    }

    /** The child: 16 MB results of ND4J ops dropped inside step scopes, then the peak resident size (VmHWM). */
    public static final class Garbage {
        public static void main(String[] args) throws Exception {
            Threads.count();
            INDArray x = Nd4j.ones(DataType.FLOAT, 4 << 20);
            for (int i = 0; i < 250; i++) {
                try (StepScope s = StepScope.open()) {
                    x.mul(2);                                      // an uncounted native result, dropped
                }
                Thread.sleep(10);
            }
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    System.out.println("peak " + Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024);
                }
            }
        }
    }
}
