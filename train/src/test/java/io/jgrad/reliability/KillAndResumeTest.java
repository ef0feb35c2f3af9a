package io.jgrad.reliability;

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
import org.junit.jupiter.api.io.TempDir;

/**
 * Trainer runs (and, through {@link DistillationKillAndResumeTest}, DistillationTrainer runs; two
 * classes so each stays near half a minute) with Dropout and BatchNorm, a per-batch StepLR,
 * ReduceLROnPlateau, early stopping and a best checkpoint ({@link ResumingTrainerChild}) are
 * killed with SIGKILL at moments drawn from a fixed seed, {@value #KILLS} times each, and resumed
 * from their checkpoint every time. Saves are slowed down ({@code jgrad.test.slowSaveMillis}) so
 * many kills land between a save's write and its rename. Every epoch any process reports, the
 * final weights, the best checkpoint and the final training checkpoint must be the
 * uninterrupted run's bit for bit; every start finds no temporary file left. Every other kill
 * waits for a save's temporary file to appear, so at least two of the five land mid-save.
 */
class KillAndResumeTest {
    private static final int KILLS = 5;
    private static final long SEED = 22;
    private static final List<String> SLOW_SAVES = List.of("-Djgrad.test.slowSaveMillis=15");

    @TempDir
    Path dir;

    @Test
    void aKilledTrainerResumesBitForBit() throws Exception {
        killAndResume("trainer", dir);
    }

    /** Runs {@link ResumingTrainerChild} in {@code mode} uninterrupted and killed, under {@code dir}, and compares. */
    static void killAndResume(String mode, Path dir) throws Exception {
        String tag = "[KillAndResumeTest " + mode + " " + Backend.current().id() + "]";
        Path refDir = Files.createDirectories(dir.resolve("reference"));
        ChildJvm ref = new ChildJvm(ResumingTrainerChild.class, SLOW_SAVES, mode, refDir.toString());
        ref.await("began");
        long t0 = System.nanoTime();
        List<String> refLines = ref.finish();
        long refMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(0, ref.process.exitValue(), String.join("\n", refLines));
        Map<Integer, String> refEpochs = epochs(refLines);
        assertTrue(refLines.stream().anyMatch(l -> l.startsWith("stopped early stopping")) && refEpochs.size() < ResumingTrainerChild.EPOCHS,
                "the reference run must end by early stopping: " + refLines);
        assertTrue(plateauReduced(refEpochs), "the plateau scheduler must have halved the lr at least once: " + refEpochs);

        Path runDir = Files.createDirectories(dir.resolve("killed"));
        Random random = new Random(SEED);
        List<String> log = new ArrayList<>();
        int kills = 0;
        int midSave = 0;
        while (true) {
            ChildJvm child = new ChildJvm(ResumingTrainerChild.class, SLOW_SAVES, mode, runDir.toString());
            String began = child.await("began");
            assertEquals("began tmp=0", began, "the start of a run removes the temporary files killed saves left");
            List<String> lines;
            if (kills < KILLS) {
                long delay = (long) (refMillis * (0.04 + 0.1 * random.nextDouble()));
                Thread.sleep(delay);
                if (kills % 2 == 1) { // every other kill waits for a save's temporary file: surely mid-save
                    for (long end = System.nanoTime() + 5_000_000_000L; System.nanoTime() < end
                            && ResumingTrainerChild.temporaries(runDir) == 0; ) {
                        Thread.onSpinWait();
                    }
                }
                boolean interrupted = child.kill();
                lines = child.finish();
                if (!interrupted) {
                    log.add("ended before the kill at " + delay + " ms");
                    checkEpochs(refEpochs, lines, kills);
                    break;
                }
                kills++;
                long stale = ResumingTrainerChild.temporaries(runDir);
                midSave += stale > 0 ? 1 : 0;
                log.add(String.format(Locale.ROOT, "kill %d at %d ms: checkpoint at step %s%s", kills, delay,
                        Files.exists(runDir.resolve("run.ckpt")) ? SafeTensors.metadata(runDir.resolve("run.ckpt")).get("step")
                                : "(none yet)", stale > 0 ? ", mid-save (" + stale + " temporary file left)" : ""));
            } else {
                lines = child.finish();
                assertEquals(0, child.process.exitValue(), String.join("\n", lines));
            }
            checkEpochs(refEpochs, lines, kills);
            if (kills == KILLS && !child.process.isAlive() && lines.contains("done")) {
                break;
            }
        }
        assertEquals(KILLS, kills, tag + " every kill must interrupt a running process: " + log);
        String weights = SavedWeights.assertBitIdentical(refDir.resolve("final.safetensors"), runDir.resolve("final.safetensors"));
        assertArrayEquals(Files.readAllBytes(refDir.resolve("best.safetensors")), Files.readAllBytes(runDir.resolve("best.safetensors")),
                "the best checkpoint is the uninterrupted run's");
        assertArrayEquals(Files.readAllBytes(refDir.resolve("run.ckpt")), Files.readAllBytes(runDir.resolve("run.ckpt")),
                "the last training checkpoint (every state of the run) is the uninterrupted run's");
        assertEquals(0, ResumingTrainerChild.temporaries(runDir), "no temporary file is left at the end");
        System.out.println(tag + " seed " + SEED + ", " + kills + " kills (" + midSave + " mid-save), " + refEpochs.size()
                + " epochs until early stopping; " + String.join("; ", log) + "; final weights: " + weights);
    }

    /** Epoch number to the line (with the exact bits of its losses, accuracies and lr). */
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

    /** Whether the lr fell to at most 0.6 of itself over one epoch (a per-batch StepLR of 0.9 cannot). */
    private static boolean plateauReduced(Map<Integer, String> epochs) {
        double prev = Double.NaN;
        for (String l : epochs.values()) {
            String[] p = l.split(" ");
            double lr = Double.longBitsToDouble(Long.parseUnsignedLong(p[6], 16));
            if (lr <= 0.6 * prev) {
                return true;
            }
            prev = lr;
        }
        return false;
    }
}
