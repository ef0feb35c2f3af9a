package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Every public way of moving values between ND4J memory and the JVM adds one to the counter, on either backend. */
class TransfersTest {

    @Test
    void eachReadAndWriteCountsOnce() {
        long before = Backend.hostTransfers();
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        assertEquals(before + 1, Backend.hostTransfers(), "Tensor.of");
        assertArrayEquals(new float[] {1, 2, 3, 4}, t.toFloatArray());
        assertEquals(before + 2, Backend.hostTransfers(), "toFloatArray");
        assertEquals(4.0, t.getDouble(3));
        assertEquals(before + 3, Backend.hostTransfers(), "getDouble");
        assertEquals(7.0f, Tensor.of(new float[] {7}, 1).item());
        assertEquals(before + 5, Backend.hostTransfers(), "Tensor.of + item");
        t.toDoubleArray();
        Tensor.of(new double[] {1, 2}, 2);
        assertEquals(before + 7, Backend.hostTransfers(), "toDoubleArray + Tensor.of(double[])");
    }

    /**
     * A host kernel's parts read native memory on two threads at once ({@link Transfers#hostView}): every
     * read is counted, none lost to a race, whichever threads collide on the counter.
     */
    @Test
    void concurrentReadsAreEachCountedOnce() throws Exception {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
        int perThread = 20_000;
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
        Runnable reads = () -> {
            try {
                start.await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            for (int i = 0; i < perThread; i++) {
                Transfers.hostView(t.array());
            }
        };
        long before = Transfers.reads();
        Thread other = new Thread(reads);
        other.start();
        reads.run();
        other.join();
        assertEquals(before + 2L * perThread, Transfers.reads());
    }

    @Test
    void nd4jKernelsCountNothing() {
        Ops nd4j = Ops.of(Backend.ND4J);
        Tensor a = Tensor.ones(3, 3);
        long before = Backend.hostTransfers();
        nd4j.relu(nd4j.tanh(nd4j.gemm(a.array(), false, a.array(), true)), nd4j.newArray(a.array().dataType(), 3, 3));
        assertEquals(before, Backend.hostTransfers());
    }
}
