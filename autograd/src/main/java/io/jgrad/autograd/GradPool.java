package io.jgrad.autograd;

import io.jgrad.tensor.StepScope;
import io.jgrad.tensor.backend.BufferCache;
import io.jgrad.tensor.backend.NdArrays;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
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
 * <p>A buffer that a plain {@link GradFn} consumes (GELU's, dropout's: their contract lets them
 * return {@code gradOut}, so the engine cannot reuse it after them) never comes back that way. So
 * inside a {@link StepScope} a new buffer is the step's own array (the scope frees it, unless it
 * comes back here first and is taken out of the scope for the pool), and a pooled one lent out
 * during the step returns to the pool when the scope closes, read or not. Before, such buffers
 * waited for a collection: nine blocks, ~40 MB, a step of the lm recipe, and its resident size grew
 * by up to the collector's slack (bench/README.md, "The lm's gradient buffers"). Outside a scope
 * they still return with the collector: made there as counted temporaries, to pace collections by
 * them, they left W6's plain loop 10–15% slower in most runs (one 64 KiB buffer a step).
 */
final class GradPool {
    private static final int PER_SHAPE = 4;
    private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(State::new);

    private GradPool() {
    }

    /**
     * One thread's pool; the pooled arrays lent out inside the scope that is open; and the leases of
     * the pooled arrays taken out of a scope, so that one the pool lets go is freed at once.
     */
    private static final class State {
        final Map<Key, ArrayDeque<INDArray>> pool = new HashMap<>();
        final List<INDArray> lent = new ArrayList<>(4);
        final Map<INDArray, BufferCache.Leased> leases = new IdentityHashMap<>();
        /** Whether an open scope will give the lent arrays back when it closes. */
        boolean hooked;
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
        State s = STATE.get();
        ArrayDeque<INDArray> free = s.pool.get(new Key(type, shape));
        INDArray a = free == null ? null : free.poll();
        boolean scoped = StepScope.isOpen();
        if (a == null) {
            return scoped ? StepScope.newArray(type, shape) : NdArrays.uninitialized(type, shape);
        }
        if (scoped) {
            if (!s.hooked) {
                s.hooked = StepScope.onClose(() -> giveBackLent(s));
            }
            s.lent.add(a);
        } else {
            s.leases.remove(a);         // out of every scope's reach: back with the collector if never handed back
        }
        return a;
    }

    /** How many pooled arrays this thread's pool can free at once (for tests: at most its pooled and lent arrays). */
    static int leasesHeld() {
        return STATE.get().leases.size();
    }

    /** Hands back an engine-owned, dense row-major array that nothing references any more. */
    static void release(INDArray a) {
        State s = STATE.get();
        boolean wasLent = removeSame(s.lent, a);
        ArrayDeque<INDArray> free = freeList(s, a);
        if (free.size() >= PER_SHAPE) {
            if (!StepScope.release(a)) {
                letGo(s, a);            // a scope's own array, or one of the pool's, back to the cache now
            }
            return;
        }
        if (wasLent || !StepScope.isOpen()) {
            free.push(a);
            return;
        }
        BufferCache.Leased lease = StepScope.detach(a);
        if (lease != null) {            // made in this step: the pool's from now on
            s.leases.put(a, lease);
            free.push(a);
        }                               // else an enclosing scope made it, and frees it
    }

    /** The scope closed: what was lent in it is free again. */
    private static void giveBackLent(State s) {
        for (INDArray a : s.lent) {
            ArrayDeque<INDArray> free = freeList(s, a);
            if (free.size() < PER_SHAPE) {
                free.push(a);
            } else {
                letGo(s, a);
            }
        }
        s.lent.clear();
        s.hooked = false;
    }

    /** Frees a pooled array taken out of a scope now; any other returns with the collector. */
    private static void letGo(State s, INDArray a) {
        BufferCache.Leased lease = s.leases.remove(a);
        if (lease != null) {
            lease.free();
        }
    }

    /** The pool's list of arrays of {@code a}'s type and shape. */
    private static ArrayDeque<INDArray> freeList(State s, INDArray a) {
        return s.pool.computeIfAbsent(new Key(a.dataType(), a.shape()), k -> new ArrayDeque<>());
    }

    private static boolean removeSame(List<INDArray> list, INDArray a) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == a) {
                list.remove(i);
                return true;
            }
        }
        return false;
    }
}
