package io.jgrad.reliability;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KillAndResumeTest} for a DistillationTrainer (a teacher, a student with Dropout and
 * BatchNorm, labelled and transfer batches interleaved): killed 5 times, mostly mid-save, and
 * resumed, it ends bit for bit as the uninterrupted run.
 */
class DistillationKillAndResumeTest {
    @TempDir
    Path dir;

    @Test
    void aKilledDistillationTrainerResumesBitForBit() throws Exception {
        KillAndResumeTest.killAndResume("distill", dir);
    }
}
