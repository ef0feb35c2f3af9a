package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * On a pipe the Trainer writes at most one line per epoch plus one per 10 s of a long epoch, and
 * times with millisecond precision (issue 21: 9 lines per epoch of 25 batches; "0.0 s").
 */
class ProgressLogTest {
    private long now;
    private final List<String> lines = new ArrayList<>();

    private void epoch(Progress p, int batches, long nanosPerBatch, double seconds) {
        p.startEpoch(1, 1, batches);
        for (int i = 1; i <= batches; i++) {
            now += nanosPerBatch;
            p.batch(i, i * 32L, 0.5);
        }
        p.endEpoch(new EpochStats(1, 0.5, 0.9, Double.NaN, Double.NaN, 0.01, seconds), 1);
    }

    private Progress log() {
        return new Progress.ProgressLog(true, true, () -> now, lines::add);
    }

    @Test
    void aShortEpochIsOneLine() {
        epoch(log(), 25, 100_000_000L, 2.5);
        assertEquals(List.of("epoch 1/1  train_loss 0.5000  train_acc 90.00%  lr 0.0100  2.500 s"), lines);
    }

    @Test
    void aLongEpochAddsOneLinePerTenSeconds() {
        epoch(log(), 100, 250_000_000L, 25);            // 25 s: progress at 10 s and 20 s, then the summary
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("epoch 1/1   40%  batch 40/100  loss 0.5000"), lines.get(0));
        assertTrue(lines.get(0).endsWith("10.000 s"), lines.get(0));
        assertTrue(lines.get(1).startsWith("epoch 1/1   80%  batch 80/100"), lines.get(1));
    }

    @Test
    void aSubSecondEpochShowsMilliseconds() {
        epoch(log(), 3, 4_000_000L, 0.0123);
        assertTrue(lines.get(0).endsWith("  0.012 s"), lines.get(0));
        assertTrue(Progress.summary(new EpochStats(2, 1, Double.NaN, 1, 0.5, 0.1, 0.0004), 3).endsWith("0.000 s"));
    }
}
