package io.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.NativeMemory;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.BufferCache;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Multi-layer LSTM and GRU after their memory is handed back early: a lower layer's output once
 * backward is past it ({@code Functional.intermediate}), a layer's kept state once its backward has
 * run ({@code RecurrentPass.release}). Reused memory must not change a gradient: repeated steps
 * give the same gradients bit for bit, two forwards in flight do not share state, and a retained
 * graph keeps everything for a second backward; and what is handed back is taken again, not made
 * fresh. On both backends (the nd4j one releases nothing).
 */
class RecurrentMemoryReuseTest {
    private static final Tensor X = Tensor.randn(new Rng(11), 40, 6, 48);
    private static final Tensor Y = Tensor.randn(new Rng(12), 40, 6, 48);

    private static List<float[]> grads(Module m) {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : m.parameters()) {
            out.add(p.grad().toFloatArray());
            p.clearGrad();
        }
        return out;
    }

    private static void assertSame(List<float[]> want, List<float[]> got, String what) {
        for (int i = 0; i < want.size(); i++) {
            assertArrayEquals(want.get(i), got.get(i), what + ": gradient of parameter " + i);
        }
    }

    private static Variable loss(Module m, Tensor x) {
        Variable out = m instanceof LSTM l ? l.forward(Variable.constant(x)) : ((GRU) m).forward(Variable.constant(x));
        return out.mul(out).sum();
    }

    private static void checkReuse(Module m) {
        loss(m, X).backward();
        List<float[]> first = grads(m);
        for (int step = 0; step < 3; step++) {              // the memory handed back is taken again
            loss(m, Y).backward();
            grads(m);
            loss(m, X).backward();
            assertSame(first, grads(m), "step " + step);
        }
        Variable a = loss(m, X);                             // two graphs in flight, backward in reverse order
        Variable b = loss(m, Y);
        b.backward();
        List<float[]> fromY = grads(m);
        a.backward();
        assertSame(first, grads(m), "the earlier of two graphs in flight");
        loss(m, Y).backward();
        assertSame(fromY, grads(m), "the later graph, recomputed");

        Variable retained = loss(m, X);                      // retained: the second backward adds the same again
        retained.backward(true);
        retained.backward();
        List<float[]> twice = grads(m);
        for (int i = 0; i < first.size(); i++) {
            for (int k = 0; k < first.get(i).length; k++) {
                float want = 2 * first.get(i)[k];          // accumulating GEMMs (beta 1) round differently
                assertEquals(want, twice.get(i)[k], 1e-5 * Math.max(1, Math.abs(want)),
                        "retained graph, parameter " + i + " at " + k);
            }
        }
    }

    /**
     * Steady training steps take no fresh cache block for a layer's hidden states, which it keeps
     * for its backward: they come back once the engine has run it ({@code RecurrentPass.release})
     * and the next step takes them again; without that they would come back only with a collection,
     * a fresh block per layer and step until then. One block a step does come fresh: the top layer's
     * output, the model's result, which the caller holds. (Each layer's heap state is counted in
     * core-tensor's {@code RecurrentStateArraysTest}.)
     */
    private static void steadyStepsTakeNoFreshHiddenStates(Module m) {
        int steps = 10;
        for (int step = 0; step < 3; step++) {              // the engine's gradient buffers settle
            m.zeroGrad();
            loss(m, X).backward();
        }
        long fresh = BufferCache.freshAllocations();
        long collections = NativeMemory.collections();
        for (int step = 0; step < steps; step++) {
            m.zeroGrad();
            loss(m, X).backward();
        }
        if (BufferCache.enabled() && NativeMemory.collections() == collections) {
            // (a paced collection, asked for by other tests' garbage, may trim the free lists)
            long made = BufferCache.freshAllocations() - fresh;
            assertTrue(made <= steps, made + " fresh blocks in " + steps + " steps: at most the model's outputs");
        }
    }

    @Test
    void lstmGradientsDoNotChangeWhenItsMemoryIsReused() {
        checkReuse(new LSTM(48, 64, 3, new Rng(13)));
    }

    @Test
    void gruGradientsDoNotChangeWhenItsMemoryIsReused() {
        checkReuse(new GRU(48, 64, 3, new Rng(14)));
    }

    @Test
    void lstmHiddenStatesComeBackWithoutACollection() {
        steadyStepsTakeNoFreshHiddenStates(new LSTM(48, 64, 3, new Rng(15)));
    }

    @Test
    void gruHiddenStatesComeBackWithoutACollection() {
        steadyStepsTakeNoFreshHiddenStates(new GRU(48, 64, 3, new Rng(16)));
    }
}
