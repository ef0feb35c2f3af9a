package io.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.autograd.NoGrad;
import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.BufferCache;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sequential hands the memory of the results between its built-in layers back to the cache once
 * backward has consumed them, and never memory that user code can still reach: a user module's
 * input and output, the model's output, the batch. Those keep their values through backward and
 * through the later steps that reuse the memory handed back.
 */
class SequentialEarlyReleaseTest {

    /** A user's module that keeps what it saw, as a probe or a visualisation might. */
    static final class Keeper extends Module {
        final List<Variable> inputs = new ArrayList<>();
        final List<Variable> outputs = new ArrayList<>();

        @Override
        public Variable forward(Variable x) {
            Variable y = x.mul(Variable.constant(Tensor.full(2.0, io.jgrad.tensor.DType.FLOAT32, 1)));
            inputs.add(x);
            outputs.add(y);
            return y;
        }
    }

    @Test
    void whatAUserCanReachKeepsItsValuesThroughBackwardAndLaterSteps() {
        Rng.manualSeed(21);
        Keeper keeper = new Keeper();
        Sequential net = new Sequential(new Linear(96, 256), new ReLU(), new Linear(256, 256), keeper,
                new Linear(256, 128), new BatchNorm1d(128), new ReLU(), new Linear(128, 10));
        List<Tensor> batches = new ArrayList<>();
        List<Variable> outs = new ArrayList<>();
        List<float[]> seen = new ArrayList<>();                 // copies taken right after each forward
        for (int step = 0; step < 40; step++) {
            Tensor x = Tensor.randn(new Rng(100 + step), 64, 96);
            batches.add(x);
            net.zeroGrad();
            Variable out = net.forward(Variable.constant(x));
            outs.add(out);
            seen.add(x.toFloatArray());
            seen.add(keeper.inputs.get(step).value().toFloatArray());
            seen.add(keeper.outputs.get(step).value().toFloatArray());
            seen.add(out.value().toFloatArray());
            out.mul(out).mean().backward();
            for (Variable p : net.parameters()) {                 // plain gradient descent
                p.value().array().subi(p.grad().array().mul(0.01));
            }
        }
        for (int step = 0; step < 40; step++) {
            assertArrayEquals(seen.get(4 * step), batches.get(step).toFloatArray(), "batch of step " + step);
            assertArrayEquals(seen.get(4 * step + 1), keeper.inputs.get(step).value().toFloatArray(),
                    "a user module's input (the Linear's result before it), step " + step);
            assertArrayEquals(seen.get(4 * step + 2), keeper.outputs.get(step).value().toFloatArray(),
                    "a user module's output, step " + step);
            assertArrayEquals(seen.get(4 * step + 3), outs.get(step).value().toFloatArray(), "model output, step " + step);
        }
    }

    @Test
    void resultsBetweenBuiltInLayersAreHandedBackWithoutACollection() {
        Rng.manualSeed(22);
        Sequential net = new Sequential(new Linear(96, 512), new BatchNorm1d(512), new ReLU(), new Linear(512, 256),
                new ReLU(), new Linear(256, 10));
        Variable x = Variable.constant(Tensor.randn(new Rng(23), 64, 96));
        for (int step = 0; step < 3; step++) {                    // the engine's gradient buffers settle
            net.zeroGrad();
            net.forward(x).sum().backward();
        }
        long fresh = BufferCache.freshAllocations();
        long reused = BufferCache.reusedAllocations();
        long collections = io.jgrad.tensor.NativeMemory.collections();
        for (int step = 0; step < 20; step++) {
            net.zeroGrad();
            net.forward(x).sum().backward();
        }
        if (BufferCache.enabled()) {
            // three results of 128, 128 and 64 KiB a step; without early release they would come back
            // only after a collection, so the steps would keep taking fresh blocks until then
            assertTrue(BufferCache.reusedAllocations() - reused >= 3 * 20, "each step reuses the last one's blocks");
            if (io.jgrad.tensor.NativeMemory.collections() == collections) {
                // (a paced collection, asked for by other tests' garbage, may trim the free lists)
                assertEquals(fresh, BufferCache.freshAllocations(), "no fresh block after the first steps");
            }
        }
    }

    @Test
    void withNoGraphTheResultsBetweenBuiltInLayersGoBackAsSoonAsTheyAreRead() {
        Rng.manualSeed(24);
        Sequential net = new Sequential(new Linear(96, 512), new ReLU(), new Flatten(), new Linear(512, 256), new ReLU(),
                new Linear(256, 10));
        Variable x = Variable.constant(Tensor.randn(new Rng(25), 64, 96));
        float[] expected = net.forward(x).value().toFloatArray();          // recorded: the engine's way
        List<Variable> outs = new ArrayList<>();
        try (NoGrad g = Variable.noGrad()) {
            for (int step = 0; step < 3; step++) {
                net.forward(x);
            }
            long fresh = BufferCache.freshAllocations();
            long reused = BufferCache.reusedAllocations();
            long collections = io.jgrad.tensor.NativeMemory.collections();
            for (int step = 0; step < 20; step++) {
                Variable out = net.forward(x);
                assertArrayEquals(expected, out.value().toFloatArray(), "output, step " + step);
                outs.add(out);
            }
            if (BufferCache.enabled()) {
                // the 128 and 64 KiB results of the two Linear+ReLU, the first read through Flatten: back in
                // the cache before the next forward, which takes the same blocks again
                assertTrue(BufferCache.reusedAllocations() - reused >= 2 * 20, "each forward reuses the last one's blocks");
                if (io.jgrad.tensor.NativeMemory.collections() == collections) {
                    // (without the early return: two fresh blocks a forward, until a collection)
                    assertEquals(fresh, BufferCache.freshAllocations(), "no fresh block after the first forwards");
                }
            }
        }
        for (int step = 0; step < outs.size(); step++) {
            assertArrayEquals(expected, outs.get(step).value().toFloatArray(), "a kept output, forward " + step);
        }
    }

    @Test
    void withNoGraphWhatAUserCanReachKeepsItsValues() {
        Rng.manualSeed(26);
        Keeper keeper = new Keeper();
        Sequential net = new Sequential(new Linear(96, 512), new ReLU(), new Linear(512, 256), new ReLU(), keeper,
                new Linear(256, 128), new ReLU(), new Linear(128, 10));
        List<Variable> outs = new ArrayList<>();
        List<float[]> seen = new ArrayList<>();
        try (NoGrad g = Variable.noGrad()) {
            for (int step = 0; step < 40; step++) {
                Tensor x = Tensor.randn(new Rng(200 + step), 64, 96);
                Variable out = net.forward(Variable.constant(x));
                outs.add(out);
                seen.add(keeper.inputs.get(step).value().toFloatArray());
                seen.add(keeper.outputs.get(step).value().toFloatArray());
                seen.add(out.value().toFloatArray());
            }
        }
        for (int step = 0; step < 40; step++) {
            assertArrayEquals(seen.get(3 * step), keeper.inputs.get(step).value().toFloatArray(), "a user module's input, forward " + step);
            assertArrayEquals(seen.get(3 * step + 1), keeper.outputs.get(step).value().toFloatArray(), "a user module's output, forward " + step);
            assertArrayEquals(seen.get(3 * step + 2), outs.get(step).value().toFloatArray(), "model output, forward " + step);
        }
    }
}
