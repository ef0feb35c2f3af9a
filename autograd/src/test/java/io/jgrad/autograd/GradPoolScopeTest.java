package io.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.StepScope;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The engine's gradient buffers and {@link StepScope}s: a buffer made in a scope is the scope's
 * until it comes back, then the pool's; a pooled buffer lent out in a scope is the pool's again when
 * the scope closes, whether or not it came back; beyond the pool's few per shape a buffer made in
 * a scope is freed when it comes back.
 */
class GradPoolScopeTest {
    private static final long[] SHAPE = {3, 64, 96};       // a shape no other test pools

    /** Empties this thread's pool of SHAPE (outside any scope). */
    private static void drain() {
        java.util.List<INDArray> taken = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            taken.add(GradPool.acquire(DataType.FLOAT, SHAPE));
        }
        // not handed back: the collector returns them
    }

    /** Takes {@code n} buffers of SHAPE, all at once, then hands them all back. */
    private static INDArray[] acquireAndHandBack(int n) {
        INDArray[] taken = new INDArray[n];
        for (int i = 0; i < n; i++) {
            taken[i] = GradPool.acquire(DataType.FLOAT, SHAPE);
        }
        for (INDArray a : taken) {
            GradPool.release(a);
        }
        return taken;
    }

    @Test
    void aBufferHandedBackInAScopeOutlivesItInThePool() {
        drain();
        INDArray a;
        try (StepScope s = StepScope.open()) {
            a = GradPool.acquire(DataType.FLOAT, SHAPE);
            GradPool.release(a);
        }
        assertFalse(a.wasClosed(), "taken out of the scope for the pool");
        try (StepScope s = StepScope.open()) {
            assertSame(a, GradPool.acquire(DataType.FLOAT, SHAPE), "reused in the next step");
            // not handed back: a plain backward consumed it
        }
        assertFalse(a.wasClosed());
        assertSame(a, GradPool.acquire(DataType.FLOAT, SHAPE), "lent in a scope, the pool's again when it closed");
    }

    @Test
    void aBufferMadeInAScopeAndNeverHandedBackIsFreedWithTheScope() {
        drain();
        INDArray a;
        try (StepScope s = StepScope.open()) {
            a = GradPool.acquire(DataType.FLOAT, SHAPE);
        }
        assertTrue(a.wasClosed(), "freed with its step, not left for the collector");
        assertNotSame(a, GradPool.acquire(DataType.FLOAT, SHAPE));
    }

    @Test
    void beyondThePoolsFewABufferMadeInAScopeIsFreedWhenItComesBack() {
        drain();
        INDArray[] made;
        try (StepScope s = StepScope.open()) {
            made = acquireAndHandBack(5);
            assertTrue(made[4].wasClosed(), "the fifth: freed at once");
            for (int i = 0; i < 4; i++) {
                assertFalse(made[i].wasClosed(), "pooled: " + i);
            }
        }
        for (int i = 0; i < 4; i++) {
            assertFalse(made[i].wasClosed(), "still pooled after the scope: " + i);
        }
    }

    @Test
    void aLentBufferThePoolHasNoRoomForIsFreedWhenTheScopeCloses() {
        drain();
        INDArray[] pooled;
        try (StepScope s = StepScope.open()) {
            pooled = acquireAndHandBack(4);                      // the pool's four
        }
        INDArray extra;
        try (StepScope s = StepScope.open()) {
            for (int i = 0; i < pooled.length; i++) {
                GradPool.acquire(DataType.FLOAT, SHAPE);           // all four lent, none handed back
            }
            extra = GradPool.acquire(DataType.FLOAT, SHAPE);       // made in this step
            GradPool.release(extra);                               // handed back: the pool's fifth place
        }
        assertFalse(extra.wasClosed());
        int freed = 0;
        for (INDArray a : pooled) {
            freed += a.wasClosed() ? 1 : 0;
        }
        assertEquals(1, freed, "of the four lent, the one the pool had no room for is freed, not left for the collector");
    }

    @Test
    void buffersTakenOutOfScopesAreNotHeldOnceThePlainLoopLetsThemGo() {
        drain();
        for (int step = 0; step < 50; step++) {
            try (StepScope s = StepScope.open()) {             // a scoped step hands its buffer back: pooled
                GradPool.release(GradPool.acquire(DataType.FLOAT, SHAPE));
            }
            GradPool.acquire(DataType.FLOAT, SHAPE);              // a plain step's consumer keeps it: never back
        }
        assertTrue(GradPool.leasesHeld() <= 8, "the pool holds no lease of an array it no longer has: "
                + GradPool.leasesHeld());
    }
}
