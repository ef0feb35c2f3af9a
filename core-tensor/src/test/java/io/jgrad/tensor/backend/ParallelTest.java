package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.Blas;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.Threads;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The parallel runtime: partitions that depend only on (sizes, thread count), every part run
 * once, nested calls inline, failures reaching the caller once with the op's name, one thread
 * meaning the caller alone, and results that do not depend on whether the pool was free.
 */
class ParallelTest {
    private int before;

    @BeforeEach
    void remember() {
        before = Threads.count();
        Pacing.resetScore();                      // use the pool, whatever this machine's load did before
    }

    @AfterEach
    void restore() {
        Pacing.resetScore();
        Threads.set(before);
    }

    @Test
    void partitionsAreBalancedContiguousAndAFunctionOfSizesAndCountOnly() {
        long[] sizes = {0, 1, 2, 7, 31, 32, 100, 1001, 1L << 40};
        long[] grains = {1, 3, 32, 1000};
        for (int count = 1; count <= 9; count++) {
            Threads.set(count);
            for (long n : sizes) {
                for (long grain : grains) {
                    Parallel.Partition p = Parallel.partition(n, grain);
                    assertEquals(Math.min(count, Math.max(1, n / grain)), p.parts(), "n=" + n + " grain=" + grain);
                    assertEquals(p, Parallel.partition(n, grain), "the same sizes and count give the same parts");
                    assertEquals(0, p.from(0));
                    assertEquals(n, p.to(p.parts() - 1));
                    for (int part = 0; part < p.parts(); part++) {
                        long size = p.to(part) - p.from(part);
                        assertTrue(size == n / p.parts() || size == n / p.parts() + 1, "balanced: part " + part);
                        assertTrue(p.parts() == 1 || size >= grain, "a split part holds at least the grain");
                        if (part > 0) {
                            assertEquals(p.to(part - 1), p.from(part), "contiguous");
                        }
                    }
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Parallel.partition(10, 0));
        assertThrows(IllegalArgumentException.class, () -> Parallel.partition(-1, 1));
    }

    @Test
    void everyItemRunsExactlyOnceAtEveryCount() {
        int n = 10_007;
        for (int count : new int[] {1, 2, 3, 4, 8}) {
            Threads.set(count);
            AtomicIntegerArray seen = new AtomicIntegerArray(n);
            Parallel.forRange("test", n, 1, (from, to) -> {
                for (long i = from; i < to; i++) {
                    seen.incrementAndGet((int) i);
                }
            });
            for (int i = 0; i < n; i++) {
                assertEquals(1, seen.get(i), "item " + i + " at " + count + " threads");
            }
        }
    }

    @Test
    void workersShareTheWorkAndThePoolFollowsTheCount() {
        Threads.set(4);
        Set<Thread> ran = ConcurrentHashMap.newKeySet();
        long byWorkers = Parallel.partsRunByWorkers();
        for (int rep = 0; rep < 200 && ran.size() < 2; rep++) {
            Pacing.resetScore();                           // a loaded machine must not back this off
            Parallel.forRange("test", 4, 1, (from, to) -> {
                ran.add(Thread.currentThread());
                busyFor(200_000);
            });
        }
        assertEquals(3, KernelPool.size());
        assertTrue(ran.size() >= 2, "parts ran on more than the caller: " + ran);
        assertTrue(Parallel.partsRunByWorkers() > byWorkers);
        assertTrue(ran.stream().allMatch(t -> t == Thread.currentThread() || t.getName().startsWith("jgrad-kernel-")));
        Threads.set(2);
        Parallel.forRange("test", 2, 1, (from, to) -> { });
        assertEquals(1, KernelPool.size());
    }

    @Test
    void withOneThreadEveryPartRunsOnTheCaller() {
        Threads.set(1);
        long byWorkers = Parallel.partsRunByWorkers();
        List<Thread> ran = Collections.synchronizedList(new ArrayList<>());
        Parallel.forRange("test", 1_000_000, 1, (from, to) -> ran.add(Thread.currentThread()));
        assertEquals(List.of(Thread.currentThread()), ran);
        assertEquals(byWorkers, Parallel.partsRunByWorkers());
    }

    @Test
    void nestedCallsRunInlineOnTheThreadOfTheirPart() {
        Threads.set(4);
        List<String> mismatches = Collections.synchronizedList(new ArrayList<>());
        AtomicIntegerArray inner = new AtomicIntegerArray(4 * 100);
        Parallel.forRange("outer", 4, 1, (from, to) -> {
            Thread outer = Thread.currentThread();
            Parallel.forRange("inner", 100, 1, (a, b) -> {
                if (Thread.currentThread() != outer) {
                    mismatches.add("outer part " + from + " on " + outer.getName() + ", inner on "
                            + Thread.currentThread().getName());
                }
                for (long i = a; i < b; i++) {
                    inner.incrementAndGet((int) (from * 100 + i));
                }
            });
        });
        assertEquals(List.of(), mismatches);
        for (int i = 0; i < inner.length(); i++) {
            assertEquals(1, inner.get(i));
        }
    }

    @Test
    void aFailureReachesTheCallerOnceNamingTheOpAndThePart() {
        for (int count : new int[] {1, 4}) {
            Threads.set(count);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Parallel.forRange("conv2d test", 8, 2, (from, to) -> {
                        if (from == 0) {
                            throw new IllegalArgumentException("bad part");
                        }
                    }));
            assertTrue(e.getMessage().startsWith("conv2d test: part 0 of " + Math.min(count, 4) + " (items [0, "),
                    e.getMessage());
            assertTrue(e.getMessage().endsWith("IllegalArgumentException: bad part"), e.getMessage());
            assertInstanceOf(IllegalArgumentException.class, e.getCause());
        }
        Threads.set(4);
        IllegalStateException both = assertThrows(IllegalStateException.class,
                () -> Parallel.forRange("twice", 4, 1, (from, to) -> {
                    busyFor(1_000_000);                    // every part starts before any fails
                    throw new ArithmeticException("part " + from);
                }));
        assertTrue(both.getMessage().startsWith("twice: part "), both.getMessage());
        assertTrue(both.getSuppressed().length <= 3, "later failures are attached, not thrown");
        AssertionError error = new AssertionError("an error stays itself");
        assertSame(error, assertThrows(AssertionError.class,
                () -> Parallel.forRange("error", 4, 1, (from, to) -> {
                    if (from == 3) {
                        throw error;
                    }
                })));
        assertTrue(error.getSuppressed()[0].getMessage().startsWith("error: part 3 of 4"));
        IllegalStateException nested = assertThrows(IllegalStateException.class,
                () -> Parallel.forRange("outer", 4, 1, (from, to) -> Parallel.forRange("inner", 4, 1, (a, b) -> {
                    throw new IllegalArgumentException("deep");
                })));
        assertTrue(nested.getMessage().startsWith("inner: part 0 of 4"), "wrapped once: " + nested.getMessage());
        assertInstanceOf(IllegalArgumentException.class, nested.getCause());
        int[] after = new int[1];
        Parallel.forRange("after a failure", 4, 1, (from, to) -> {
            synchronized (after) {
                after[0]++;
            }
        });
        assertEquals(4, after[0], "the pool still works");
    }

    /**
     * Results never depend on the machine's load: a GEMM run while another thread's kernel holds
     * the pool (so this caller runs every part itself, one after the other) gives the bits of the
     * same GEMM with the pool free. A GEMM's bits do depend on the cut, so this is the test that
     * the cut does not depend on who is free.
     */
    @Test
    void aKernelRunWhileThePoolIsBusyGivesTheBitsOfOneRunWithThePoolFree() throws Exception {
        Threads.set(2);
        INDArray a = rand(12, 128, 784);
        INDArray b = rand(13, 256, 784);
        Supplier<float[]> gemm = () -> Blas.gemm(a, false, b, true, Nd4j.createUninitialized(DataType.FLOAT, 128, 256),
                1.0, 0.0).data().asFloat();
        float[] free = gemm.get();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Future<?> holder = other.submit(() -> Parallel.forRange("holder", 2, 1, (from, to) -> {
                if (from == 0) {
                    holding.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }));
            assertTrue(holding.await(30, TimeUnit.SECONDS));
            List<Thread> ran = Collections.synchronizedList(new ArrayList<>());
            Parallel.probe = (op, p) -> ran.add(Thread.currentThread());
            float[] busy;
            try {
                busy = gemm.get();
            } finally {
                Parallel.probe = null;
                release.countDown();
            }
            holder.get(30, TimeUnit.SECONDS);
            assertEquals(List.of(Thread.currentThread()), ran, "the gemm was split once, by this thread");
            assertArrayEquals(free, busy);
        } finally {
            other.shutdownNow();
        }
    }

    /** The same for a caller backing off after workers kept coming late: it runs the same parts itself. */
    @Test
    void aBackedOffCallGivesTheBitsOfTheConcurrentOne() {
        Threads.set(2);
        INDArray a = rand(12, 128, 784);
        INDArray b = rand(13, 256, 784);
        Supplier<float[]> gemm = () -> Blas.gemm(a, false, b, true, Nd4j.createUninitialized(DataType.FLOAT, 128, 256),
                1.0, 0.0).data().asFloat();
        float[] together = gemm.get();
        for (int i = 0; i < Pacing.MISSES_TO_BACK_OFF; i++) {
            Pacing.record(1_000, 5_000, 1, 2);         // the worker's half came 5x late
        }
        assertTrue(Pacing.backingOff());
        long byWorkers = Parallel.partsRunByWorkers();
        float[] alone = gemm.get();
        assertEquals(byWorkers, Parallel.partsRunByWorkers(), "while backing off, the caller runs every part");
        assertArrayEquals(together, alone);
    }

    @Test
    void aBusyCompilerKeepsCallsInlineFiftyMillisecondsAtATimeNeverLonger() {
        long ms = 1_000_000L;
        long t = System.nanoTime();
        long compiled = 10_000_000;                            // the JIT's total compile time, ms (ahead of the real one)
        compilerRead(t + 60 * ms, compiled);            // compiling all of the last 60 ms
        assertTrue(Pacing.backingOff(), "calls run on the caller while the compiler has the other core");
        assertEquals(t + 110 * ms, Pacing.inlineUntil());
        for (int i = 2; i <= 10; i++) {                         // a long compile (10 readings): 50 ms past each, no doubling
            compiled += 60;
            compilerRead(t + 60 * i * ms, compiled);
            assertEquals(t + (60 * i + 50) * ms, Pacing.inlineUntil(), "reading " + i);
        }
        compilerRead(t + 620 * ms, compiled + 5);       // 5 ms of 20: too soon to read again
        assertEquals(t + 650 * ms, Pacing.inlineUntil());
        compilerRead(t + 660 * ms, compiled + 20);      // 20 ms of 60: the compile is over
        assertEquals(t + 650 * ms, Pacing.inlineUntil(), "a quiet compiler extends nothing");
        compiled += 20;
        compilerRead(t + 720 * ms, compiled + 44);      // 44 of 60 ms: under three quarters
        assertEquals(t + 650 * ms, Pacing.inlineUntil());
        compilerRead(t + 780 * ms, compiled + 44 + 45); // 45 of 60 ms: three quarters
        assertEquals(t + 830 * ms, Pacing.inlineUntil());
    }

    @Test
    void onlySplitsThatSaveLittleCountTowardsBackingOff() {
        for (int i = 0; i < 4 * Pacing.MISSES_TO_BACK_OFF; i++) {
            Pacing.record(1_000, 0, 1, 2);                // both halves done together
            Pacing.record(1_000, 400, 1, 2);              // the worker a little late: still saves 30%
            Pacing.record(2_000, 1_000, 2, 8);            // 8 parts, one core slow: 3 µs against 8 alone
            Pacing.record(8_000, 50_000, 8, 8);           // the caller ran every part: nothing to score
        }
        assertTrue(!Pacing.backingOff(), "splits that pay keep splitting");
        Threads.set(2);
        Parallel.forRange("test", 2, 1, (from, to) -> { });   // a pool of one worker
        Pacing.resetScore();                                  // (that job may have sampled a busy machine)
        long polling = Pacing.spinNow();
        assertEquals(Runtime.getRuntime().availableProcessors() >= 2 ? Pacing.SPIN_NANOS : 0, polling);
        for (int i = 0; i < Pacing.MISSES_TO_STOP_POLLING / Pacing.BAD_WEIGHT; i++) {
            Pacing.record(1_000, 5_000, 1, 2);
        }
        assertEquals(0, Pacing.spinNow(), "a few late jobs: threads park at once for a while");
        assertTrue(!Pacing.backingOff(), "but still split");
        for (int i = Pacing.MISSES_TO_STOP_POLLING; i < Pacing.MISSES_TO_BACK_OFF; i += Pacing.BAD_WEIGHT) {
            Pacing.record(1_000, 5_000, 1, 2);
        }
        assertTrue(Pacing.backingOff(), "a run of late workers stops using the pool for a while");
        Pacing.resetScore();
        assertEquals(polling, Pacing.spinNow());
        Pacing.sampleContention(1_000_000, 950_000);          // the caller kept its core
        assertEquals(polling, Pacing.spinNow());
        for (int i = 0; i < 4 * Pacing.CONTENDED_SAMPLES_TO_STOP_POLLING; i++) {
            Pacing.sampleContention(1_000_000, 10_000);       // off its core once (a worker woken onto it, a collection)
            for (int k = 0; k < Pacing.BAD_WEIGHT; k++) {
                Pacing.sampleContention(1_000_000, 950_000);  // and on it the next times: a quiet machine
            }
        }
        assertEquals(polling, Pacing.spinNow(), "the JVM's own pauses now and then do not stop polling");
        for (int i = Pacing.BAD_WEIGHT; i < Pacing.CONTENDED_SAMPLES_TO_STOP_POLLING; i += Pacing.BAD_WEIGHT) {
            Pacing.sampleContention(1_000_000, 500_000);      // off its core half the time ...
        }
        assertEquals(polling, Pacing.spinNow());
        Pacing.sampleContention(1_000_000, 500_000);          // ... again and again: a busy machine
        assertEquals(0, Pacing.spinNow(), "no polling while the machine has no core to spare");
        Pacing.resetScore();
        for (int i = 0; i < 4 * Pacing.CONTENDED_SAMPLES_TO_STOP_POLLING; i++) {
            Pacing.sampleContention(1_000_000, 10_000);       // every other job off its core: one core busy elsewhere
            Pacing.sampleContention(1_000_000, 950_000);
        }
        assertEquals(0, Pacing.spinNow(), "half the jobs off their core is a busy machine too");
    }

    @Test
    void backingOffLastsLongerOnlyWhileItRepeats() throws Exception {
        Pacing.resetScore();
        backOff();
        assertTrue(Pacing.backingOff());
        assertEquals(Pacing.MIN_WINDOW_MILLIS, Pacing.windowMillis(), "one spell: the shortest window");
        for (int i = 1; i <= 6; i++) {
            backOff();                                        // again within the window: a loaded machine
            assertEquals(Math.min(Pacing.MAX_WINDOW_MILLIS, Pacing.MIN_WINDOW_MILLIS << i), Pacing.windowMillis());
        }
        Pacing.resetScore();
        backOff();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (Pacing.backingOff() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(!Pacing.backingOff(), "a 50 ms window ends");
        Thread.sleep(2 * Pacing.MIN_WINDOW_MILLIS);            // a quiet spell after it
        backOff();
        assertEquals(Pacing.MIN_WINDOW_MILLIS, Pacing.windowMillis(), "after a quiet spell the shortest again");
        Pacing.resetScore();
    }

    /** The compiler's reading at {@code now} with {@code totalMillis} of compile time so far. */
    private static void compilerRead(long now, long totalMillis) {
        Pacing.compilerRead(now, () -> totalMillis);
    }

    private static void backOff() {
        for (int i = 0; i < Pacing.MISSES_TO_BACK_OFF; i += Pacing.BAD_WEIGHT) {
            Pacing.record(1_000, 5_000, 1, 2);
        }
    }

    @Test
    void callersOnSeveralThreadsAtOnceEachGetTheirOwnResult() throws Exception {
        Threads.set(3);
        int n = 30_000;
        long expected = (long) n * (n - 1) / 2;
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> sums = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                sums.add(callers.submit(() -> {
                    long last = 0;
                    for (int rep = 0; rep < 200; rep++) {
                        Parallel.Partition p = Parallel.partition(n, 1000);
                        long[] partial = new long[p.parts()];
                        Parallel.run("sum", p, (part, from, to) -> {
                            for (long i = from; i < to; i++) {
                                partial[part] += i;
                            }
                        });
                        last = 0;
                        for (long s : partial) {
                            last += s;
                        }
                        assertEquals(expected, last);
                    }
                    return last;
                }));
            }
            for (Future<Long> s : sums) {
                assertEquals(expected, s.get(60, TimeUnit.SECONDS));
            }
        } finally {
            callers.shutdownNow();
        }
    }

    private static INDArray rand(long seed, long... shape) {
        return Tensor.uniform(new Rng(seed), -1, 1, shape).array();
    }

    private static void busyFor(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() - until < 0) {
            Thread.onSpinWait();
        }
    }
}
