package io.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.tensor.NativeMemory;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.BufferCache;
import org.junit.jupiter.api.Test;

/**
 * A result marked for early release ({@link Functional#intermediate}) leaves the count of
 * temporaries that paces jgrad's collections as soon as it is marked, since it comes back without
 * one; everything else a layer makes stays counted until a collection.
 */
class EarlyReleaseBudgetTest {
    /** 64 × 128 floats: 32 KiB results, cache blocks on the cpu backend. */
    private static final Tensor X = Tensor.randn(new Rng(51), 64, 96);

    private static Variable layer(Variable x, Variable w) {
        return x.matmul(w).relu();
    }

    @Test
    void aMarkedResultLeavesTheCountWhenMarked() {
        Variable w = Variable.of(Tensor.randn(new Rng(52), 96, 128), true);
        Variable x = Variable.constant(X);
        long collections = NativeMemory.collections();
        long c0 = NativeMemory.countedSinceCollection();
        Variable plain = layer(x, w);
        long c1 = NativeMemory.countedSinceCollection();
        Variable marked = Functional.intermediate(in -> layer(in, w), x);
        long c2 = NativeMemory.countedSinceCollection();
        if (NativeMemory.collections() != collections || NativeMemory.budgetBytes() == 0) {
            return;                                  // a paced collection reset the count meanwhile
        }
        long relu = 64 * 128 * Float.BYTES;
        assertEquals(BufferCache.enabled() ? relu : 0, (c1 - c0) - (c2 - c1),
                "the marked ReLU result is off the count; the matmul result before it is not");
        plain.sum().add(marked.sum()).backward();     // both graphs run; the marked result is released
    }
}
