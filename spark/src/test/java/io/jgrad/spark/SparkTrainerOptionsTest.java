package io.jgrad.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.data.Dataset;
import io.jgrad.train.EpochStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Bad options fail at once naming the argument; the builder is snapshotted; the History is written. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SparkTrainerOptionsTest {
    @TempDir
    Path dir;

    @Test
    void badOptionsNameTheArgumentAndValue() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SparkTrainer.builder().workers(0))
                .getMessage().contains("workers: must be positive, got 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SparkTrainer.builder().batchSizePerWorker(-3))
                .getMessage().contains("got -3"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SparkTrainer.builder().classWeights(new float[] {1, Float.NaN})).getMessage().contains("weight 1"));
        assertTrue(assertThrows(IllegalStateException.class, () -> SparkTrainer.builder().model(Fixtures.mlp()).build())
                .getMessage().contains("optimizer(Function) is required"));
        SparkTrainer wrongWeights = Fixtures.adam(Fixtures.mlp()).classWeights(new float[] {1, 2}).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> wrongWeights.fitSequential(Fixtures.data(64), null));
        assertTrue(e.getMessage().contains("classWeights has 2 entries but the data has 4 classes"), e.getMessage());
        SparkTrainer tooBig = Fixtures.adam(Fixtures.mlp()).batchSizePerWorker(40).build();
        e = assertThrows(IllegalArgumentException.class, () -> tooBig.fitSequential(Fixtures.data(64), null));
        assertTrue(e.getMessage().contains("64 training rows do not fill one global batch"), e.getMessage());
    }

    @Test
    void theBuilderIsSnapshottedAndTheHistoryWritesCsvAndPng() throws Exception {
        SparkTrainer.Builder b = Fixtures.adam(Fixtures.mlp()).epochs(2);
        SparkTrainer t = b.build();
        b.epochs(5).workers(4);
        Dataset val = Fixtures.data(50);
        t.fitSequential(Fixtures.data(96), val);
        assertEquals(2, t.history().epochs().size(), "epochs(5) after build() must not change the trainer");
        EpochStats last = t.history().last().orElseThrow();
        assertTrue(Double.isFinite(last.trainLoss()) && Double.isFinite(last.valAcc()), last.toString());
        assertTrue(t.meanStepMillis() > 0);
        t.history().writeCsv(dir.resolve("history.csv"));
        t.history().writeChart(dir.resolve("history.png"));
        assertEquals(3, Files.readAllLines(dir.resolve("history.csv")).size());
        assertTrue(Files.size(dir.resolve("history.png")) > 1000);
    }

    @Test
    void aCrashedSimulatedRunResumesFromTheDriversCheckpointBitForBit() throws Exception {
        Dataset train = Fixtures.data(10 * Fixtures.WORKERS * Fixtures.BATCH);
        Dataset val = Fixtures.data(40);
        ModelFactory plain = Fixtures.mlpWithBatchNormAndDropout();
        SparkTrainer whole = Fixtures.adam(plain).epochs(2).build();
        io.jgrad.nn.Module expected = whole.fitSequential(train, val);

        Path file = dir.resolve("driver.ckpt");
        java.util.concurrent.atomic.AtomicInteger built = new java.util.concurrent.atomic.AtomicInteger();
        ModelFactory crashes = () -> {
            if (built.incrementAndGet() > 1 + 2 * 13) { // the driver's model, then two replicas per step
                throw new IllegalStateException("simulated crash in step 14");
            }
            return plain.get();
        };
        SparkTrainer crashing = Fixtures.adam(crashes).epochs(2).checkpoint(file, 3).build();
        assertThrows(IllegalStateException.class, () -> crashing.fitSequential(train, val));
        assertEquals("12", io.jgrad.nn.SafeTensors.metadata(file).get("step"), "saved every 3 steps and at the end of epoch 1 (10)");

        SparkTrainer resumed = Fixtures.adam(plain).epochs(2).checkpoint(file, 3).resumeFrom(file).build();
        Fixtures.assertBitForBit(expected, resumed.fitSequential(train, val));
        assertEquals(1, resumed.history().epochs().size());
        EpochStats a = whole.history().last().orElseThrow();
        EpochStats b = resumed.history().last().orElseThrow();
        assertEquals(java.util.List.of(a.epoch(), a.trainLoss(), a.trainAcc(), a.valLoss(), a.lr()),
                java.util.List.of(b.epoch(), b.trainLoss(), b.trainAcc(), b.valLoss(), b.lr()),
                "the resumed epoch's line includes the steps before the crash");
        assertEquals("20", io.jgrad.nn.SafeTensors.metadata(file).get("step"));

        assertTrue(assertThrows(IllegalArgumentException.class, () -> SparkTrainer.builder().checkpoint(file, -1))
                .getMessage().contains("everySteps must be >= 0"));
        Path missing = dir.resolve("missing.ckpt");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Fixtures.adam(plain).resumeFrom(missing).build().fitSequential(train, val));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }
}
