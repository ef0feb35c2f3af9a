package io.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.autograd.NoGrad;
import io.jgrad.autograd.Variable;
import io.jgrad.tensor.NativeMemory;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.BufferCache;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sequential's early release between convolution layers (Conv2d, BatchNorm2d, MaxPool2d and
 * their fused groups, also through Flatten's and Unflatten's views): a steady training step takes
 * no fresh block from the memory cache without any collection, and nothing user code can reach is
 * released: a user module's input and output, the batch, and the model's output, also when the
 * output is a Flatten's view of the last pooling's result.
 */
class SequentialConvEarlyReleaseTest {

    /** W6's shape in small: two Conv-BN-ReLU-MaxPool blocks between an Unflatten and a Flatten, then a Linear. */
    private static Sequential cnn() {
        return new Sequential(new Unflatten(1, 1, 16, 16),
                new Conv2d(1, 16, 3, 1, 1), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2),
                new Conv2d(16, 32, 3, 1, 1), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(32 * 4 * 4, 10));
    }

    @Test
    void aSteadyConvolutionStepTakesNoFreshBlock() {
        Rng.manualSeed(31);
        Sequential net = cnn();
        Variable x = Variable.constant(Tensor.randn(new Rng(32), 64, 256));
        train(net, x, 3);                                           // the engine's gradient buffers settle
        long[] before = {BufferCache.freshAllocations(), BufferCache.reusedAllocations(), NativeMemory.collections()};
        train(net, x, 10);
        if (!BufferCache.enabled()) {
            return;                                                 // the nd4j backend: ND4J owns every array
        }
        // a step's cache blocks: the two convolutions' results (1 MiB, 512 KiB), the two poolings' (256,
        // 128 KiB), the kept columns, gradients (the Linear's input gradient, which Flatten's backward
        // reshapes, back to the engine's pool once the pooling has read it); without early release the
        // four results came back only after a collection, so each step until then took four fresh blocks
        assertTrue(BufferCache.reusedAllocations() - before[1] >= 4 * 10, "each step reuses the last one's blocks");
        if (NativeMemory.collections() == before[2]) {
            // (only jgrad's paced collections trim the free lists; the collector's own runs just return blocks)
            assertEquals(before[0], BufferCache.freshAllocations(), "no fresh block after the first steps");
        }
    }

    @Test
    void anEvaluationForwardHandsEveryLayersResultBackAndKeepsItsValues() {
        Rng.manualSeed(34);
        Sequential net = cnn();
        Variable x = Variable.constant(Tensor.randn(new Rng(35), 64, 256));
        train(net, x, 2);                                           // running statistics of their own
        net.eval();
        float[] expected = net.forward(x).value().toFloatArray();   // recorded: the composed ops of batch norm
        List<Variable> outs = new ArrayList<>();
        try (NoGrad g = Variable.noGrad()) {
            for (int step = 0; step < 3; step++) {
                net.forward(x);
            }
            long reused = BufferCache.reusedAllocations();
            long fresh = BufferCache.freshAllocations();
            long collections = NativeMemory.collections();
            for (int step = 0; step < 20; step++) {
                outs.add(net.forward(x));
            }
            if (BufferCache.enabled()) {
                // six cache blocks a forward, each back before the next forward takes it again: the two
                // convolutions', the two batch norms' (their inference form: before, two arrays of ND4J's
                // own each, which only a collection freed) and the two poolings' results
                assertTrue(BufferCache.reusedAllocations() - reused >= 6 * 20, "each forward reuses the last one's blocks");
                if (NativeMemory.collections() == collections) {
                    assertEquals(fresh, BufferCache.freshAllocations(), "no fresh block after the first forwards");
                }
            }
        }
        for (int step = 0; step < outs.size(); step++) {
            assertArrayEquals(expected, outs.get(step).value().toFloatArray(), "output of evaluation forward " + step);
        }
    }

    /** {@code steps} training steps of {@code net} on {@code x} (the gradients only: no update needed here). */
    private static void train(Sequential net, Variable x, int steps) {
        for (int step = 0; step < steps; step++) {
            net.zeroGrad();
            net.forward(x).sum().backward();
        }
    }

    /** Tensors a user holds, each with a copy of its values taken when it was made. */
    private final List<Tensor> held = new ArrayList<>();
    private final List<float[]> copies = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    private void hold(String name, Tensor t) {
        names.add(name);
        held.add(t);
        copies.add(t.toFloatArray());
    }

    @Test
    void whatAUserCanReachKeepsItsValuesThroughBackwardAndLaterSteps() {
        Rng.manualSeed(33);
        SequentialEarlyReleaseTest.Keeper keeper = new SequentialEarlyReleaseTest.Keeper();
        // the model's output is Flatten's view of the last pooling's result (64 × 16 × 3 × 3 floats: a cache block)
        Sequential net = new Sequential(new Unflatten(1, 1, 12, 12),
                new Conv2d(1, 16, 3, 1, 1), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2), keeper,
                new Conv2d(16, 16, 3, 1, 1), new ReLU(), new MaxPool2d(2), new Flatten());
        for (int step = 0; step < 30; step++) {
            Tensor x = Tensor.randn(new Rng(200 + step), 64, 144);
            net.zeroGrad();
            Variable out = net.forward(Variable.constant(x));
            hold("batch, step " + step, x);
            hold("a user module's input (the pooling's result before it), step " + step, keeper.inputs.get(step).value());
            hold("a user module's output, step " + step, keeper.outputs.get(step).value());
            hold("model output (a Flatten view), step " + step, out.value());
            out.mul(out).mean().backward();
            net.parameters().forEach(p -> p.value().array().subi(p.grad().array().mul(0.01)));   // gradient descent
        }
        for (int i = 0; i < held.size(); i++) {
            assertArrayEquals(copies.get(i), held.get(i).toFloatArray(), names.get(i));
        }
    }
}
