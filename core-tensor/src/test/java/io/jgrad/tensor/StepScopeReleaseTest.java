package io.jgrad.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.backend.BufferCache;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link StepScope#release} frees one of the innermost scope's arrays before the scope closes: the
 * array is closed (a later use throws) and its memory serves the next array of its size in the same
 * step; it touches nothing the scope did not make, and closing the scope afterwards is still safe.
 */
class StepScopeReleaseTest {
    private static final long[] SHAPE = {64, 128};      // 32 KiB: a cache block under the cpu backend

    @Test
    void aReleasedArrayIsClosedAndItsMemoryServesTheNextArrayOfItsSize() {
        try (StepScope s = StepScope.open()) {
            INDArray a = StepScope.newArray(DataType.FLOAT, SHAPE);
            a.assign(1);
            long fresh = BufferCache.freshAllocations();
            long reused = BufferCache.reusedAllocations();
            assertTrue(StepScope.isOpen());
            assertTrue(StepScope.release(a), "made by the innermost scope");
            assertTrue(a.wasClosed(), "closed: a later use throws rather than reading reused memory");
            assertThrows(IllegalStateException.class, () -> a.getFloat(0));
            assertFalse(StepScope.release(a), "released once");
            INDArray b = StepScope.newArray(DataType.FLOAT, SHAPE);
            b.assign(2);
            if (BufferCache.enabled()) {
                assertEquals(fresh, BufferCache.freshAllocations(), "no fresh block");
                assertEquals(reused + 1, BufferCache.reusedAllocations(), "the released block, reused");
            }
            assertEquals(2f, b.getFloat(0));
        }
    }

    @Test
    void onlyTheInnermostScopesOwnArraysAreReleased() {
        INDArray outside = Tensor.zeros(SHAPE).array();
        assertFalse(StepScope.isOpen());
        assertFalse(StepScope.release(outside), "no scope open");
        try (StepScope outer = StepScope.open()) {
            INDArray fromOuter = StepScope.newArray(DataType.FLOAT, SHAPE);
            try (StepScope inner = StepScope.open()) {
                assertFalse(StepScope.release(outside), "not made by a scope");
                assertFalse(StepScope.release(fromOuter), "made by the enclosing scope, which frees it");
                assertFalse(fromOuter.wasClosed());
            }
            fromOuter.assign(3);                        // still the outer scope's, and alive
            assertEquals(3f, fromOuter.getFloat(0));
        }
        assertFalse(outside.wasClosed());
        assertEquals(0f, outside.getFloat(0));
    }

    @Test
    void closingTheScopeAfterAReleaseFreesTheRestOnce() {
        INDArray kept;
        INDArray released;
        try (StepScope s = StepScope.open()) {
            released = StepScope.newArray(DataType.FLOAT, SHAPE);
            kept = StepScope.newArray(DataType.FLOAT, SHAPE);
            assertTrue(StepScope.release(released));
        }
        assertTrue(kept.wasClosed(), "the rest is freed when the scope closes");
        assertTrue(released.wasClosed());
        assertFalse(StepScope.isOpen());
        try (StepScope s = StepScope.open()) {            // a block returned twice would be handed out twice
            INDArray a = StepScope.newArray(DataType.FLOAT, SHAPE);
            INDArray b = StepScope.newArray(DataType.FLOAT, SHAPE);
            INDArray c = StepScope.newArray(DataType.FLOAT, SHAPE);
            assertTrue(a.data().address() != b.data().address() && b.data().address() != c.data().address()
                    && a.data().address() != c.data().address(), "three arrays, three blocks");
        }
    }

    @Test
    void aDetachedArrayOutlivesItsScopeAndCloseActionsRunAfterTheArraysAreFreed() {
        INDArray kept;
        INDArray freed;
        boolean[] ranAfterFreeing = {false};
        assertFalse(StepScope.onClose(() -> { }), "no scope open");
        try (StepScope s = StepScope.open()) {
            kept = StepScope.newArray(DataType.FLOAT, SHAPE);
            freed = StepScope.newArray(DataType.FLOAT, SHAPE);
            assertTrue(StepScope.detach(kept) != null);
            assertTrue(StepScope.detach(kept) == null, "detached once");
            INDArray f = freed;
            assertTrue(StepScope.onClose(() -> ranAfterFreeing[0] = f.wasClosed()));
        }
        assertTrue(ranAfterFreeing[0], "the action ran, after the scope's arrays were freed");
        assertFalse(kept.wasClosed(), "the detached array is its owner's now");
        kept.assign(5);
        assertEquals(5f, kept.getFloat(0));
    }
}
