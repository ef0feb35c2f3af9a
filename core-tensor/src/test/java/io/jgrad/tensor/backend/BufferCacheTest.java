package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The caching allocator must hand out ordinary ND4J arrays, reuse a block once its array is dead
 * (released, or collected), and never while a view can still reach it. Under the nd4j backend
 * it hands out ND4J's own arrays, which the first test checks too.
 */
class BufferCacheTest {

    @Test
    void sizeClassesAreFourPerPowerOfTwo() {
        assertTrue(BufferCache.MIN_BYTES >= 64);
        assertEquals(64, BufferCache.sizeClass(1));
        assertEquals(64, BufferCache.sizeClass(64));
        assertEquals(80, BufferCache.sizeClass(65));
        assertEquals(128, BufferCache.sizeClass(128));
        assertEquals(160, BufferCache.sizeClass(129));
        assertEquals(7 << 20, BufferCache.sizeClass((6 << 20) + 1));
        for (long b = 1; b < 100_000; b += 37) {
            long c = BufferCache.sizeClass(b);
            assertTrue(c >= b && (b <= 64 || c * 4 <= b * 5), b + " -> " + c);
        }
    }

    @Test
    void cachedArraysAreOrdinaryNd4jArrays() {
        INDArray a = BufferCache.uninitialized(DataType.FLOAT, 3, 2048);     // 24 KB: from the cache
        a.assign(1f);
        INDArray b = BufferCache.uninitialized(DataType.FLOAT, 2048, 2);
        b.assign(0.5f);
        assertArrayEquals(new float[] {1024, 1024, 1024, 1024, 1024, 1024}, a.mmul(b).data().asFloat(), 0f);
        assertArrayEquals(new long[] {3, 2048}, a.shape());
        assertEquals(3 * 2048, a.data().length());
        assertEquals(1f, Transfers.readFloats(a)[3 * 2048 - 1], 0f);
        INDArray d = BufferCache.uninitialized(DataType.DOUBLE, 4096);
        d.assign(2.5);
        assertEquals(10240, d.sumNumber().doubleValue(), 0);
        INDArray l = BufferCache.uninitialized(DataType.LONG, 4096);
        l.assign(7);
        assertEquals(7L, l.getLong(4095));
        INDArray small = BufferCache.uninitialized(DataType.FLOAT, 3, 4);     // below MIN_BYTES: from ND4J
        small.assign(Nd4j.arange(12).castTo(DataType.FLOAT).reshape(3, 4));
        assertEquals(66f, small.sumNumber().floatValue(), 0f);
        assertEquals(0, BufferCache.uninitialized(DataType.FLOAT, 0, 3).length());
    }

    @Test
    void aReleasedBlockIsTheNextArraysMemoryAndTheReleasedArrayThrows() {
        assumeTrue(BufferCache.enabled(), "the cpu backend's cache (the nd4j backend's arrays come from ND4J)");
        BufferCache.Leased first = BufferCache.lease(DataType.FLOAT, 1000, 7);
        long address = first.array().data().addressPointer().address();
        first.array().close();
        first.release();
        first.release();                                   // idempotent: the block is in the list once
        long freshBefore = BufferCache.freshAllocations();
        INDArray second = BufferCache.uninitialized(DataType.FLOAT, 7, 1000);
        INDArray third = BufferCache.uninitialized(DataType.FLOAT, 7, 1000);
        assertEquals(address, second.data().addressPointer().address());
        assertTrue(third.data().addressPointer().address() != address);
        assertEquals(freshBefore + 1, BufferCache.freshAllocations());
        assertThrows(IllegalStateException.class, () -> first.array().addi(1f));
    }

    @Test
    void aWorkingSetLargerThanTheCapIsKeptWholeForTheNextStep() {
        assumeTrue(BufferCache.enabled(), "the cpu backend's cache (the nd4j backend's arrays come from ND4J)");
        BufferCache.trim();
        long block = 32L << 20;
        int count = (int) (BufferCache.capBytes() / block) + 2;              // a "step" 64 MiB over the cap
        for (int step = 0; step < 3; step++) {
            long freshBefore = BufferCache.freshAllocations();
            List<BufferCache.Leased> live = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                live.add(BufferCache.lease(DataType.FLOAT, block / 4));
            }
            if (step > 0) {
                assertEquals(freshBefore, BufferCache.freshAllocations(),
                        "step " + step + " should find all " + count + " blocks of the last one in the free lists");
            }
            live.forEach(BufferCache.Leased::release);                       // the scope closes
            assertTrue(BufferCache.peakInUseBytes() >= count * block);
        }
        BufferCache.trim();
    }

    @Test
    void aViewKeepsItsBlockFromReuseAndACollectedArrayGivesItBack() throws InterruptedException {
        assumeTrue(BufferCache.enabled(), "the cpu backend's cache (the nd4j backend's arrays come from ND4J)");
        INDArray a = BufferCache.uninitialized(DataType.FLOAT, 64, 100);
        a.assign(3f);
        long address = a.data().addressPointer().address();
        INDArray rows = a.get(NDArrayIndex.interval(10, 20), NDArrayIndex.all());     // an offset view
        INDArray flat = a.reshape(6400);                                              // a view of the whole
        a = null;
        List<INDArray> others = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            System.gc();
            Thread.sleep(50);
            for (int i = 0; i < 4; i++) {
                INDArray o = BufferCache.uninitialized(DataType.FLOAT, 100, 64);
                assertTrue(o.data().addressPointer().address() != address, "a block reused while a view lives");
                o.assign(-1f);
                others.add(o);
            }
        }
        assertEquals(3f * 1000, rows.sumNumber().floatValue(), 0f);
        assertEquals(3f * 6400, flat.sumNumber().floatValue(), 0f);
        others = null;
        rows = null;
        flat = null;
        boolean back = false;
        for (int round = 0; round < 50 && !back; round++) {
            System.gc();
            Thread.sleep(20);
            List<INDArray> probe = new ArrayList<>();
            for (int i = 0; i < 25 && !back; i++) {
                INDArray o = BufferCache.uninitialized(DataType.FLOAT, 64, 100);
                back = o.data().addressPointer().address() == address;
                probe.add(o);
            }
        }
        assertTrue(back, "the collected array's block never came back to the cache");
    }

    @Test
    void threadsNeverShareALiveBlock() throws Exception {
        assumeTrue(BufferCache.enabled(), "the cpu backend's cache (the nd4j backend's arrays come from ND4J)");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                float id = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        BufferCache.Leased l = BufferCache.lease(DataType.FLOAT, 8192);
                        l.array().assign(id);
                        Thread.yield();
                        if (l.array().minNumber().floatValue() != id || l.array().maxNumber().floatValue() != id) {
                            return false;
                        }
                        l.release();
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : done) {
                assertTrue(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(BufferCache.freeBytes() <= BufferCache.capBytes());
    }
}
