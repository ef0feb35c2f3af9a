package io.jgrad.autograd;

import io.jgrad.tensor.backend.NdArrays;
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
        ArrayDeque<INDArray> free = POOL.get().get(new Key(type, shape));
        INDArray a = free == null ? null : free.poll();
        return a != null ? a : NdArrays.uninitialized(type, shape);
    }

    /** Hands back an engine-owned, dense row-major array that nothing references any more. */
    static void release(INDArray a) {
        ArrayDeque<INDArray> free = POOL.get().computeIfAbsent(new Key(a.dataType(), a.shape()), k -> new ArrayDeque<>());
        if (free.size() < PER_SHAPE) {
            free.push(a);
        }
    }
}
