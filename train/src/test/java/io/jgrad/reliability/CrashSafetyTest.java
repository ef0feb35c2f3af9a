package io.jgrad.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training process that checkpoints after every step is killed (SIGKILL, no shutdown hooks)
 * at random moments while it saves, five times, and restarted from its checkpoint each time.
 * After every kill the checkpoint on disk loads and is byte for byte one that the uninterrupted
 * run writes; the losses every process reports, and the final checkpoint, are the uninterrupted
 * run's bit for bit.
 */
class CrashSafetyTest {
    private static final int KILLS = 5;
    private static final int LAST_STEP = 150;

    @TempDir
    Path dir;

    @Test
    void killedMidSaveTheLastCheckpointAlwaysLoadsAndTheRunResumesExactly() throws Exception {
        // the uninterrupted run, its loss and its checkpoint bytes after every step
        Path refFile = dir.resolve("reference.safetensors");
        ResumableRun ref = new ResumableRun(1);
        Map<Long, String> refLoss = new HashMap<>();
        Map<Long, byte[]> refBytes = new HashMap<>();
        for (int i = 0; i < LAST_STEP; i++) {
            refLoss.put(ref.steps() + 1, Integer.toHexString(Float.floatToRawIntBits(ref.step())));
            ref.save(refFile);
            refBytes.put(ref.steps(), Files.readAllBytes(refFile));
        }

        Path file = dir.resolve("run").resolve("ckpt.safetensors");
        Files.createDirectories(file.getParent());
        Map<Long, String> seenLoss = new HashMap<>();
        Random random = new Random(2024);
        long lastSaved = 0;
        List<Long> killedAt = new ArrayList<>();
        int midWrite = 0;
        List<String> otherLines = new ArrayList<>(); // anything else the children printed, for a failure's message
        for (int kill = 0; kill <= KILLS; kill++) {
            boolean finalRun = kill == KILLS;
            ChildJvm child = child(file);
            long started = awaitStart(child);
            assertEquals(Files.exists(file) ? checkpointStep(file) : 0, started,
                    "the child continues from the checkpoint on disk");
            if (!finalRun) {
                // let it save a few times, then kill it at a random point of a save
                long target = started + 2 + random.nextInt(15);
                long saveNanos = awaitSaving(child, target);
                LockSupport.parkNanos((long) (random.nextDouble() * saveNanos));
                child.kill();
            }
            assertTrue(child.process.waitFor(60, TimeUnit.SECONDS), "child did not end");
            for (String line : child.finish()) {
                String[] p = line.split(" ");
                if (p[0].equals("saved")) {
                    lastSaved = Math.max(lastSaved, Long.parseLong(p[1]));
                } else if (p[0].equals("loss")) {
                    long step = Long.parseLong(p[1]);
                    assertEquals(refLoss.get(step), p[2], "loss of step " + step + " (process " + kill + ")");
                    String before = seenLoss.put(step, p[2]);
                    assertTrue(before == null || before.equals(p[2]), "step " + step + " repeated with another loss");
                } else if (!p[0].equals("saving") && !p[0].equals("started") && !p[0].equals("done")) {
                    otherLines.add("process " + kill + ": " + line);
                }
            }
            long onDisk = checkpointStep(file); // loads model, optimizer and scheduler: never damaged
            assertTrue(onDisk >= lastSaved, "checkpoint of step " + onDisk + " is older than the acknowledged save "
                    + lastSaved);
            assertArrayEquals(refBytes.get(onDisk), Files.readAllBytes(file),
                    "the checkpoint on disk is exactly the one the uninterrupted run writes after step " + onDisk);
            if (finalRun) {
                assertEquals(0, child.process.exitValue(), "the last process runs to the end");
                assertEquals(LAST_STEP, onDisk);
            } else {
                killedAt.add(onDisk);
                midWrite += temporaries(file.getParent()) > 0 ? 1 : 0; // removed again by the next process's first save
            }
        }
        for (long s = 1; s <= LAST_STEP; s++) {
            assertEquals(refLoss.get(s), seenLoss.get(s), "step " + s + " was reported with the reference loss (processes "
                    + "were killed after steps " + killedAt + "; other lines they printed: " + otherLines + ")");
        }
        assertEquals(0, temporaries(file.getParent()), "the saves after a kill remove the temporary files it left");
        System.out.println("[CrashSafetyTest] killed after steps " + killedAt + "; " + midWrite
                + " kills landed mid-write and left a temporary file beside the intact checkpoint");
    }

    private static long temporaries(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).count();
        }
    }

    /** Loads the checkpoint into a fresh run (which would throw if it were damaged) and returns its step. */
    private static long checkpointStep(Path file) {
        ResumableRun check = new ResumableRun(3);
        check.restore(file);
        return check.steps();
    }

    /** A child JVM continuing the run in {@code file}, on this process's backend (so its numbers are the reference's). */
    private static ChildJvm child(Path file) throws IOException {
        return new ChildJvm(CheckpointingChild.class, List.of("-Xmx256m"), file.toString(), Integer.toString(LAST_STEP));
    }

    private static long awaitStart(ChildJvm child) throws InterruptedException {
        return Long.parseLong(child.await("started ").substring(8));
    }

    /** Waits until the child starts saving step {@code step}; returns how long its saves took so far (the shortest). */
    private static long awaitSaving(ChildJvm child, long step) throws InterruptedException {
        long shortest = Long.MAX_VALUE;
        while (true) {
            String[] p = child.next().split(" ");
            if (p[0].equals("saved")) {
                shortest = Math.min(shortest, Long.parseLong(p[2]));
            } else if (p[0].equals("saving") && Long.parseLong(p[1]) >= step || p[0].equals("done")) {
                return shortest == Long.MAX_VALUE ? 1_000_000 : shortest;
            }
        }
    }
}
