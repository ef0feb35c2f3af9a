package io.jgrad.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.nn.SafeTensors;
import io.jgrad.tensor.backend.Backend;
import io.jgrad.testing.ChildJvm;
import io.jgrad.testing.SavedWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SparkTrainer run in {@code local[2]} with BatchNorm and Dropout ({@link SparkResumeChild}) is
 * killed with SIGKILL at moments drawn from a fixed seed, {@value #KILLS} times, and resumed from
 * the driver's checkpoint every time; saves are slowed down ({@code jgrad.test.slowSaveMillis})
 * and every other kill waits for a save's temporary file to appear, so kills land mid-save. Every epoch any process reports, the final weights and the final
 * checkpoint must be the uninterrupted run's bit for bit, and every start finds no temporary file.
 */
@EnabledForJreRange(max = JRE.JAVA_22)   // Spark 3.5: Hadoop's login needs Subject.getSubject, refused from Java 23 on
class SparkKillAndResumeTest {
    private static final int KILLS = 3;
    private static final long SEED = 22;
    private static final List<String> SLOW_SAVES = List.of("-Xmx1g", "-Djgrad.test.slowSaveMillis=40");

    @TempDir
    Path dir;

    @Test
    void aKilledSparkRunResumesBitForBit() throws Exception {
        String tag = "[SparkKillAndResumeTest local[2] " + Backend.current().id() + "]";
        Path refDir = Files.createDirectories(dir.resolve("reference"));
        ChildJvm ref = new ChildJvm(SparkResumeChild.class, SLOW_SAVES, refDir.toString());
        ref.await("began");
        long t0 = System.nanoTime();
        List<String> refLines = ref.finish();
        long refMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(0, ref.process.exitValue(), String.join("\n", refLines));
        Map<Integer, String> refEpochs = epochs(refLines);
        assertEquals(SparkResumeChild.EPOCHS, refEpochs.size(), String.join("\n", refLines));

        Path runDir = Files.createDirectories(dir.resolve("killed"));
        Random random = new Random(SEED);
        List<String> log = new ArrayList<>();
        int kills = 0;
        int midSave = 0;
        while (true) {
            ChildJvm child = new ChildJvm(SparkResumeChild.class, SLOW_SAVES, runDir.toString());
            assertEquals("began tmp=0", child.await("began"), "the start of a run removes the temporary files killed saves left");
            if (kills == KILLS) {
                List<String> lines = child.finish();
                assertEquals(0, child.process.exitValue(), String.join("\n", lines));
                checkEpochs(refEpochs, lines, kills);
                break;
            }
            long delay = (long) (refMillis * (0.08 + 0.17 * random.nextDouble()));
            Thread.sleep(delay);
            if (kills % 2 == 1) { // every other kill waits for the next save's temporary file: surely mid-save
                for (long end = System.nanoTime() + 5_000_000_000L; System.nanoTime() < end
                        && SparkResumeChild.temporaries(runDir) == 0; ) {
                    Thread.onSpinWait();
                }
            }
            boolean interrupted = child.kill();
            checkEpochs(refEpochs, child.finish(), kills);
            if (!interrupted) {
                log.add("ended before the kill at " + delay + " ms");
                break;
            }
            kills++;
            long stale = SparkResumeChild.temporaries(runDir);
            midSave += stale > 0 ? 1 : 0;
            Path ckpt = runDir.resolve("run.ckpt");
            log.add(String.format(Locale.ROOT, "kill %d at %d ms: checkpoint at step %s%s", kills, delay,
                    Files.exists(ckpt) ? SafeTensors.metadata(ckpt).get("step") : "(none yet)",
                    stale > 0 ? ", mid-save" : ""));
        }
        assertEquals(KILLS, kills, tag + " every kill must interrupt a running process: " + log);
        String weights = SavedWeights.assertBitIdentical(refDir.resolve("final.safetensors"), runDir.resolve("final.safetensors"));
        sameCheckpoints(refDir.resolve("run.ckpt"), runDir.resolve("run.ckpt"));
        assertEquals(0, SparkResumeChild.temporaries(runDir), "no temporary file is left at the end");
        System.out.println(tag + " uninterrupted training " + refMillis + " ms; seed " + SEED + ", " + kills + " kills (" + midSave + " mid-save); " + String.join("; ", log)
                + "; final weights: " + weights);
    }

    /**
     * The last checkpoints hold the same tensors and metadata, except the global generator's
     * state: in local mode every task reseeds the driver JVM's global generator (see ShardStep),
     * two at a time, so its state at a save depends on thread timing, and no step ever draws
     * from it as it stands (each replica reseeds it first).
     */
    private static void sameCheckpoints(Path expected, Path actual) {
        SafeTensors.Contents a = SafeTensors.read(expected);
        SafeTensors.Contents b = SafeTensors.read(actual);
        assertEquals(a.metadata(), b.metadata());
        assertEquals(a.tensors().keySet(), b.tensors().keySet());
        assertTrue(a.tensors().containsKey("generator.global"), "the checkpoint holds the generators");
        a.tensors().forEach((k, t) -> {
            if (!k.equals("generator.global")) {
                assertArrayEquals(t.toDoubleArray(), b.tensors().get(k).toDoubleArray(), 0.0, k);
            }
        });
    }

    private static Map<Integer, String> epochs(List<String> lines) {
        Map<Integer, String> out = new LinkedHashMap<>();
        for (String l : lines) {
            if (l.startsWith("epoch ")) {
                out.put(Integer.parseInt(l.split(" ")[1]), l);
            }
        }
        return out;
    }

    private static void checkEpochs(Map<Integer, String> ref, List<String> lines, int process) {
        epochs(lines).forEach((e, l) -> assertEquals(ref.get(e), l, "epoch " + e + " as process " + process + " reports it"));
    }
}
