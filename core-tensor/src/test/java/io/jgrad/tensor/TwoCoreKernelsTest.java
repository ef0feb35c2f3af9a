package io.jgrad.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Kernels split over two cores ({@link Halves}) give the numbers of the one-thread path: GEMMs
 * cut along rows and along columns for every transpose, long element-wise passes, and large
 * batch norms cut into channel halves.
 */
class TwoCoreKernelsTest {
    private static INDArray rand(long seed, long... shape) {
        return Tensor.uniform(new Rng(seed), -1, 1, shape).array();
    }

    /** {@code compute} on one thread and on two, restoring the configured count. */
    private static INDArray[] oneAndTwo(Supplier<INDArray> compute) {
        int before = Threads.count();
        try {
            Threads.set(1);
            INDArray one = compute.get();
            Threads.set(2);
            Halves.resetScore();                                // split now, whatever this machine's load did before
            INDArray two = compute.get();
            return new INDArray[] {one, two};
        } finally {
            Threads.set(before);
        }
    }

    @Test
    void largeGemmsGiveTheOneThreadResultForEveryTransposeAndCut() {
        // [m, n] = [300, 96] is cut into row halves, [96, 300] into column halves; k = 400: 11.5M multiply-adds
        long[][] mn = {{300, 96}, {96, 300}};
        int k = 400;
        for (long[] s : mn) {
            long m = s[0];
            long n = s[1];
            assertTrue(m * n * k >= Blas.SPLIT_MACS, "the sizes must be above the split threshold");
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    INDArray a = ta ? rand(1, k, m) : rand(1, m, k);
                    INDArray b = tb ? rand(2, n, k) : rand(2, k, n);
                    INDArray c0 = rand(3, m, n);
                    INDArray[] r = oneAndTwo(() -> Blas.gemm(a, ta, b, tb, c0.dup('c'), 1.5, 0.5));
                    INDArray expected = Nd4j.gemm(a, b, c0.dup('c'), ta, tb, 1.5, 0.5);
                    float[] one = r[0].data().asFloat();
                    float[] two = r[1].data().asFloat();
                    float[] nd4j = expected.data().asFloat();
                    for (int i = 0; i < one.length; i++) {
                        assertEquals(one[i], two[i], 1e-4f * Math.max(1, Math.abs(one[i])),
                                "m=" + m + " n=" + n + " ta=" + ta + " tb=" + tb + " element " + i);
                        assertEquals(nd4j[i], two[i], 1e-4f * Math.max(1, Math.abs(nd4j[i])), "vs Nd4j.gemm, element " + i);
                    }
                }
            }
        }
    }

    @Test
    void longElementwisePassesGiveTheOneThreadResult() {
        int n = HostChunks.SPLIT_ELEMENTS * 2 + 1001;         // two halves and a ragged last chunk
        INDArray x = rand(4, n);
        INDArray g = rand(5, n);
        INDArray[] relu = oneAndTwo(() -> Kernels.relu(x, Nd4j.createUninitialized(DataType.FLOAT, n)));
        INDArray[] back = oneAndTwo(() -> Kernels.reluBackward(x, g, rand(6, n), 0.5));
        assertArrayEquals(relu[0].data().asFloat(), relu[1].data().asFloat());
        assertArrayEquals(back[0].data().asFloat(), back[1].data().asFloat());
        float[] xs = x.data().asFloat();
        float[] out = relu[1].data().asFloat();
        for (int i = 0; i < n; i++) {
            assertEquals(Math.max(xs[i], 0f), out[i], 0f, "relu element " + i);
        }
    }

    @Test
    void largeBatchNormGivesTheOneThreadResultForwardAndBackward() {
        int n = 500;
        int c = 301;                                            // odd: unequal channel halves
        assertTrue((long) n * c >= BatchNormKernel.SPLIT_ELEMENTS, "the batch must be above the split threshold");
        INDArray x = rand(7, n, c);
        INDArray w = rand(8, c);
        INDArray b = rand(9, c);
        INDArray g = rand(10, n, c);
        INDArray dx0 = rand(11, n, c);
        INDArray[] y = oneAndTwo(() -> {
            INDArray out = Nd4j.createUninitialized(DataType.FLOAT, n, c);
            BatchNormKernel.forward(x, w, b, 1e-5, out);
            return out;
        });
        INDArray[] dx = oneAndTwo(() -> {
            INDArray out = dx0.dup('c');
            BatchNormKernel.forward(x, w, b, 1e-5, Nd4j.createUninitialized(DataType.FLOAT, n, c))
                    .backward(g, out, 0.5, null, 0, null, 0);
            return out;
        });
        assertArrayEquals(y[0].data().asFloat(), y[1].data().asFloat());
        assertArrayEquals(dx[0].data().asFloat(), dx[1].data().asFloat());
    }

    /** A split GEMM's bits must not depend on the machine's load: backing off runs the same halves. */
    @Test
    void aBackedOffSplitGivesTheBitsOfTheConcurrentOne() {
        INDArray a = rand(12, 128, 784);
        INDArray b = rand(13, 256, 784);
        int before = Threads.count();
        try {
            Threads.set(2);
            Halves.resetScore();
            INDArray together = Blas.gemm(a, false, b, true, Nd4j.createUninitialized(DataType.FLOAT, 128, 256), 1.0, 0.0);
            for (int i = 0; i < Halves.MISSES_TO_BACK_OFF; i++) {
                Halves.record(1_000, 5_000);
            }
            assertTrue(Halves.backingOff());
            INDArray alone = Blas.gemm(a, false, b, true, Nd4j.createUninitialized(DataType.FLOAT, 128, 256), 1.0, 0.0);
            assertArrayEquals(together.data().asFloat(), alone.data().asFloat());
        } finally {
            Halves.resetScore();
            Threads.set(before);
        }
    }

    @Test
    void splittingBacksOffWhenTheHelperKeepsFinishingLate() {
        int before = Threads.count();
        try {
            Threads.set(2);
            for (int i = 0; i < 4 * Halves.MISSES_TO_BACK_OFF; i++) {
                Halves.record(1_000, 0);                       // hits: both halves done together
            }
            assertTrue(Halves.available(), "balanced splits keep splitting");
            for (int i = 0; i < Halves.MISSES_TO_BACK_OFF; i++) {
                Halves.record(1_000, 5_000);                   // misses: the helper's half came 5x late
            }
            assertTrue(Halves.backingOff(), "a run of late halves stops using the helper for a while");
            Thread[] ran = new Thread[2];
            Halves.run(() -> ran[0] = Thread.currentThread(), () -> ran[1] = Thread.currentThread());
            assertSame(Thread.currentThread(), ran[0]);
            assertSame(Thread.currentThread(), ran[1], "while backing off, the caller runs the second half too");
        } finally {
            Halves.resetScore();
            Threads.set(before);
        }
    }

    @Test
    void aFailureInEitherHalfReachesTheCaller() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Halves.run(() -> { }, () -> {
                    throw new IllegalStateException("second half failed");
                }));
        assertEquals("second half failed", e.getMessage());
        assertThrows(ArithmeticException.class, () -> Halves.run(() -> {
            throw new ArithmeticException("first");
        }, () -> { }));
    }
}
