package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The {@code cpu} LSTM's and GRU's heap state going through {@link StateArrays} as the engine
 * drives a pass (forward, backward, then {@link RecurrentPass#release} unless the graph is
 * retained), counted by the pool's test seam: a steady step makes no block fresh and gives back
 * all it took; two passes in flight hold blocks of their own (the earlier one's gradients are
 * those it has alone); a retained pass keeps its blocks through a second backward until released,
 * once however often release is called.
 */
class RecurrentStateArraysTest {
    private static final Ops CPU = Ops.of(Backend.CPU);
    private static final int N = 40;
    private static final int T = 6;
    private static final int I = 20;
    private static final int H = 32;

    /** A GRU (3 gates) or LSTM (4) layer whose every input comes from {@code seed}. */
    private record Layer(int gates) {
        RecurrentPass forward(long seed) {
            Rng rng = new Rng(seed);
            INDArray x = rand(rng, N, T, I);
            INDArray wIh = rand(rng, gates * H, I);
            INDArray bIh = rand(rng, gates * H);
            INDArray w = rand(rng, gates * H, H);
            INDArray b = rand(rng, gates * H);
            INDArray h0 = rand(rng, N, H);
            RecurrentPass pass = gates == 4 ? CPU.lstmLayer(x, wIh, bIh, w, b, h0, rand(rng, N, H))
                    : CPU.gruLayer(x, wIh, bIh, w, b, h0);
            Class<? extends RecurrentPass> cpuForm = gates == 4 ? CpuLstmPass.class : CpuGruPass.class;
            assertInstanceOf(cpuForm, pass, "the cpu form runs");
            return pass;
        }

        /** The pass's output and every input's gradient (fresh buffers), for upstream gradients from {@code seed}. */
        List<float[]> backward(RecurrentPass pass, long seed) {
            Rng rng = new Rng(seed);
            List<float[]> out = new ArrayList<>(List.of(pass.output().data().asFloat()));
            INDArray[] grads = {zeros(N, T, I), zeros(gates * H, I), zeros(gates * H), zeros(gates * H, H),
                zeros(gates * H), zeros(N, H), gates == 4 ? zeros(N, H) : null};
            pass.backward(rand(rng, N, T, H), rand(rng, N, H), gates == 4 ? rand(rng, N, H) : null, grads,
                    new double[grads.length]);
            for (INDArray g : grads) {
                if (g != null) {
                    out.add(g.data().asFloat());
                }
            }
            return out;
        }

        /** One training step's use of the pass: forward, backward, release. */
        List<float[]> step(long seed) {
            RecurrentPass pass = forward(seed);
            List<float[]> out = backward(pass, seed + 1);
            pass.release();
            return out;
        }
    }

    private static INDArray rand(Rng rng, long... shape) {
        return Tensor.uniform(rng, -1, 1, shape).array();
    }

    private static INDArray zeros(long... shape) {
        return Tensor.zeros(shape).array();
    }

    /** Blocks taken from the pool and not yet given back. */
    private static long outstanding() {
        return StateArrays.TAKEN.get() - StateArrays.GIVEN.get();
    }

    private static void assertSame(List<float[]> want, List<float[]> got, String what) {
        assertEquals(want.size(), got.size(), what);
        for (int i = 0; i < want.size(); i++) {
            assertArrayEquals(want.get(i), got.get(i), what + ": array " + i);
        }
    }

    @ParameterizedTest(name = "{0} gates")
    @ValueSource(ints = {3, 4})
    void steadyStepsTakeAndGiveBack(int gates) {
        Layer layer = new Layer(gates);
        layer.step(1);                                   // the pool gets blocks of these shapes
        long base = outstanding();
        long made = StateArrays.MADE.get();
        for (int step = 0; step < 3; step++) {
            long taken = StateArrays.TAKEN.get();
            layer.step(10 + step);
            assertTrue(StateArrays.TAKEN.get() - taken >= 2, "a step takes its state arrays from the pool");
            assertEquals(base, outstanding(), "step " + step + " gives back every block it took");
        }
        assertEquals(made, StateArrays.MADE.get(), "no block made fresh in a steady step");
    }

    @ParameterizedTest(name = "{0} gates")
    @ValueSource(ints = {3, 4})
    void passesInFlightHoldTheirOwnBlocks(int gates) {
        Layer layer = new Layer(gates);
        List<float[]> alone = layer.step(21);
        long base = outstanding();
        RecurrentPass a = layer.forward(21);
        long held = outstanding() - base;
        assertTrue(held >= 2, "a pass holds its state blocks until released: " + held);
        RecurrentPass b = layer.forward(31);
        assertEquals(2 * held, outstanding() - base, "the later pass holds as many blocks");
        layer.backward(b, 32);
        b.release();
        assertSame(alone, layer.backward(a, 22), "the earlier of two passes in flight");
        a.release();
        assertEquals(base, outstanding(), "both passes gave their blocks back");
    }

    @ParameterizedTest(name = "{0} gates")
    @ValueSource(ints = {3, 4})
    void aRetainedPassKeepsItsBlocksUntilReleased(int gates) {
        Layer layer = new Layer(gates);
        List<float[]> alone = layer.step(41);
        long base = outstanding();
        RecurrentPass pass = layer.forward(41);
        long held = outstanding() - base;
        assertSame(alone, layer.backward(pass, 42), "the first backward");
        assertEquals(held, outstanding() - base, "a backward gives back only its own working rows");
        layer.step(51);                                  // another step meanwhile takes blocks of its own
        assertSame(alone, layer.backward(pass, 42), "the second backward of a retained pass");
        pass.release();
        pass.release();
        assertEquals(base, outstanding(), "released once, whatever the calls");
    }
}
