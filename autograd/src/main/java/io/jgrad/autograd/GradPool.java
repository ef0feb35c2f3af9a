package io.jgrad.autograd;

import io.jgrad.tensor.StepScope;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reuses the engine's own gradient buffers from one backward to the next. A fresh ND4J array
 * costs tens of microseconds (allocation, first-touch page faults, deallocator bookkeeping,
 * and its memory is freed only after a GC), which for a small model's backward is as much as
 * the arithmetic. Only arrays the engine made and no one else can see come back here: the
 * pending gradient of a node whose {@link AccumulatingGradFn} has consumed it (that contract
 * forbids keeping {@code gradOut}), or the buffer such a gradient was a reshape of (Flatten's
 * backward). Per thread, a few arrays per shape.
 *
 * <p>Inside a {@link StepScope} the step's own arrays are the pool: a buffer is a scope array,
 * and one handed back goes to the {@code BufferCache} at once ({@link StepScope#release}), for
 * the next array of its size in the same backward. Before, scoped steps took pool arrays that
 * outlived the scope, and those that a plain {@link GradFn} consumed (GELU's, dropout's, whose
 * contract lets them return {@code gradOut}) reached neither the pool nor the scope: in the lm
 * recipe's step nine blocks, ~40 MB, a step that only a collection could return, and the
 * resident size grew by up to the collector's slack (bench/README.md). Outside a scope a new
 * buffer is a counted temporary ({@link StepScope#newArray}), so such garbage paces collections.
 */
final class GradPool {
    private static final int PER_SHAPE = 4;
    private static final ThreadLocal<Map<Key, ArrayDeque<INDArray>>> POOL = ThreadLocal.withInitial(HashMap::new);

    private GradPool() {
    }

    private record Key(DataType type, long[] shape) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.type == type && Arrays.equals(k.shape, shape);
        }

        @Override
        public int hashCode() {
            return type.hashCode() * 31 + Arrays.hashCode(shape);
        }
    }

    /** A row-major array of this type and shape with undefined contents. */
    static INDArray acquire(DataType type, long[] shape) {
        if (StepScope.isOpen()) {
            return StepScope.newArray(type, shape);
        }
        ArrayDeque<INDArray> free = POOL.get().get(new Key(type, shape));
        INDArray a = free == null ? null : free.poll();
        return a != null ? a : StepScope.newArray(type, shape);
    }

    /** Hands back an engine-owned, dense row-major array that nothing references any more. */
    static void release(INDArray a) {
        if (StepScope.release(a) || StepScope.isOpen()) {
            return;                     // a scope's array is freed with it (or now); none is pooled past a scope
        }
        ArrayDeque<INDArray> free = POOL.get().computeIfAbsent(new Key(a.dataType(), a.shape()), k -> new ArrayDeque<>());
        if (free.size() < PER_SHAPE) {
            free.push(a);
        }
    }
}
