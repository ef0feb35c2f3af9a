package io.jgrad.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.data.Dataset;
import io.jgrad.nn.Module;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.Timeout;

/**
 * Proofs (2) and (4) in {@code local[2,3]} (two executor threads, up to three attempts per task):
 * Spark against the shard simulator bit for bit, also with shuffling, BatchNorm, Dropout and
 * class weights, and with a task that fails once and is retried.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@EnabledForJreRange(max = JRE.JAVA_22)   // Spark 3.5: Hadoop's login needs Subject.getSubject, refused from Java 23 on
class LocalSparkTest {
    private static JavaSparkContext sc;

    /** Set once the injected failure has happened (local mode: tasks run in this JVM). */
    private static final AtomicBoolean FAILED = new AtomicBoolean();
    private static final AtomicInteger REPLICAS_ON_WORKER_1 = new AtomicInteger();

    @BeforeAll
    static void start() {
        sc = new JavaSparkContext(new SparkConf().setMaster("local[2,3]").setAppName("jgrad-local-test")
                .set("spark.ui.enabled", "false"));
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.stop();
        }
    }

    @Test
    void local2MatchesTheSimulatorBitForBit() {
        Dataset train = Fixtures.data(20 * Fixtures.WORKERS * Fixtures.BATCH);
        SparkTrainer t = Fixtures.adam(Fixtures.mlp()).epochs(1).shuffle(false).classWeights(Fixtures.CLASS_WEIGHTS)
                .build();
        Fixtures.assertBitForBit(t.fitSequential(train, null), t.fit(sc, train));
    }

    @Test
    void shuffledEpochsWithBatchNormAndDropoutMatchTheSimulatorBitForBit() {
        Dataset train = Fixtures.data(300);
        Dataset val = Fixtures.data(100);
        SparkTrainer t = Fixtures.sgdMomentum(Fixtures.mlpWithBatchNormAndDropout()).epochs(2)
                .classWeights(Fixtures.CLASS_WEIGHTS).build();
        Module simulated = t.fitSequential(train, val);
        double simulatedValAcc = t.history().last().orElseThrow().valAcc();
        Module spark = t.fit(sc, train, val);
        Fixtures.assertBitForBit(simulated, spark);
        assertEquals(2, t.history().epochs().size());
        assertEquals(simulatedValAcc, t.history().last().orElseThrow().valAcc(), 0.0);
    }

    @Test
    void aTaskThatFailsOnceIsRetriedAndTheRunStillMatches() {
        Dataset train = Fixtures.data(10 * Fixtures.WORKERS * Fixtures.BATCH);
        ModelFactory plain = Fixtures.mlp();
        ModelFactory failsOnce = () -> {
            TaskContext ctx = TaskContext.get();
            if (ctx != null && ctx.partitionId() == 1 && REPLICAS_ON_WORKER_1.incrementAndGet() == 4
                    && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure of worker 1 in its 4th step (attempt "
                        + ctx.attemptNumber() + ")");
            }
            return plain.get();
        };
        Module expected = Fixtures.adam(plain).epochs(1).build().fitSequential(train, null);
        Module retried = Fixtures.adam(failsOnce).epochs(1).build().fit(sc, train);
        assertTrue(FAILED.get(), "the injected failure never happened, so the test proved nothing");
        Fixtures.assertBitForBit(expected, retried);
    }
}
