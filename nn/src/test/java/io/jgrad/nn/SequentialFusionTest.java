package io.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.Backend;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sequential runs a Linear or a BatchNorm1d directly followed by a ReLU, and a ReLU directly
 * followed by a MaxPool2d, as one fused op: same
 * outputs, parameter gradients (and running statistics) as the layers one by one, and only where
 * that is what the user wrote.
 */
class SequentialFusionTest {

    @Test
    void linearReluPairsGiveTheSameValuesAndGradientsAsTheLayersOneByOne() {
        Rng.manualSeed(5);
        Sequential net = new Sequential(new Linear(6, 8), new ReLU(), new Linear(8, 8), new ReLU(), new Linear(8, 3));
        Tensor x = Tensor.randn(new Rng(6), 4, 6);
        Tensor w = Tensor.randn(new Rng(7), 4, 3);

        assertEquals("linear", assertSameAsLayerByLayer(net, x, w).op());
    }

    /** W2's shape of model: BatchNorm1d → ReLU pairs, in training mode (running statistics too) and in eval mode. */
    @Test
    void batchNormReluPairsGiveTheSameValuesGradientsAndRunningStatsAsTheLayersOneByOne() {
        assertTwinsAgree(() -> new Sequential(new Linear(6, 16), new BatchNorm1d(16), new ReLU(), new Linear(16, 3)), 9,
                Tensor.randn(new Rng(10), 8, 6), Tensor.randn(new Rng(11), 8, 3), 1);
    }

    /** W6's shape of block: Conv2d → BatchNorm2d → ReLU → MaxPool2d, training (running statistics too) and eval. */
    @Test
    void batchNorm2dReluMaxPoolTriplesGiveTheSameValuesGradientsAndRunningStatsAsTheLayersOneByOne() {
        assertTwinsAgree(() -> new Sequential(new Conv2d(1, 4, 3, 1, 1), new BatchNorm2d(4), new ReLU(),
                new MaxPool2d(2), new Flatten(), new Linear(4 * 4 * 4, 3)), 17,
                Tensor.randn(new Rng(18), 5, 1, 8, 8), Tensor.randn(new Rng(19), 5, 3), 1);
        Variable x = Variable.constant(Tensor.randn(new Rng(20), 2, 3, 4, 4));
        String fused = Backend.current() == Backend.CPU ? "batchNorm2d_relu_maxPool2d" : "maxPool2d";
        assertEquals(fused, new Sequential(new BatchNorm2d(3), new ReLU(), new MaxPool2d(2)).forward(x).op());
        assertEquals(Backend.current() == Backend.CPU ? "reluMaxPool2d" : "maxPool2d",
                new Sequential(new BatchNorm2d(3), new ReLU(), new MaxPool2d(2)).eval().forward(x).op());
    }

    /**
     * Two nets made alike ({@code seed}), one run whole (fused), one layer by layer, for two training
     * steps and then in eval mode: the same outputs, parameter gradients and the batch norm at
     * {@code bn}'s running statistics.
     */
    private static void assertTwinsAgree(java.util.function.Supplier<Sequential> make, long seed, Tensor x, Tensor w,
                                         int bn) {
        Rng.manualSeed(seed);
        Sequential fusedNet = make.get();
        Rng.manualSeed(seed);
        Sequential plainNet = make.get();
        for (int step = 0; step < 2; step++) {
            Variable fused = fusedNet.forward(Variable.constant(x));
            Variable h = Variable.constant(x);
            for (int i = 0; i < plainNet.size(); i++) {
                h = plainNet.get(i).forward(h);     // layer by layer: no fusion
            }
            assertArrayEquals(h.value().toFloatArray(), fused.value().toFloatArray());
            fused.mul(Variable.constant(w)).sum().backward();
            h.mul(Variable.constant(w)).sum().backward();
            List<float[]> fusedGrads = grads(fusedNet);
            List<float[]> plainGrads = grads(plainNet);
            for (int k = 0; k < plainGrads.size(); k++) {
                assertArrayEquals(plainGrads.get(k), fusedGrads.get(k), "parameter " + k);
            }
        }
        BatchNorm1d bf = (BatchNorm1d) fusedNet.get(bn);
        BatchNorm1d bp = (BatchNorm1d) plainNet.get(bn);
        assertArrayEquals(bp.runningMean().toFloatArray(), bf.runningMean().toFloatArray());
        assertArrayEquals(bp.runningVar().toFloatArray(), bf.runningVar().toFloatArray());
        assertEquals(2, bf.numBatchesTracked());
        fusedNet.eval();
        plainNet.eval();
        Variable h = Variable.constant(x);
        for (int i = 0; i < plainNet.size(); i++) {
            h = plainNet.get(i).forward(h);
        }
        assertArrayEquals(h.value().toFloatArray(), fusedNet.forward(Variable.constant(x)).value().toFloatArray());
    }

    @Test
    void fusesOnlyABatchNorm1dImmediatelyFollowedByAReLU() {
        Variable x = Variable.constant(Tensor.randn(new Rng(12), 4, 3));
        assertEquals("batchNorm_relu", new Sequential(new BatchNorm1d(3), new ReLU()).forward(x).op());
        assertEquals("relu", new Sequential(new BatchNorm1d(3), new Dropout(0.0), new ReLU()).forward(x).op());
        BatchNorm1d custom = new BatchNorm1d(3) {
            @Override
            public Variable forward(Variable in) {
                return super.forward(in).mul(2.0);
            }
        };
        assertEquals("relu", new Sequential(custom, new ReLU()).forward(x).op());
    }

    @Test
    void fusesOnlyALinearImmediatelyFollowedByAReLU() {
        Rng.manualSeed(6);
        Variable x = Variable.constant(Tensor.randn(new Rng(8), 2, 4));
        assertEquals("linear_relu", new Sequential(new Linear(4, 3), new ReLU()).forward(x).op());
        assertEquals("relu", new Sequential(new Linear(4, 3), new Dropout(0.0), new ReLU()).forward(x).op());
        assertEquals("relu", new Sequential(new ReLU(), new ReLU()).forward(x).op());
        Linear custom = new Linear(4, 3) {
            @Override
            public Variable forward(Variable in) {
                return super.forward(in).mul(2.0);
            }
        };
        assertEquals("relu", new Sequential(custom, new ReLU()).forward(x).op());
    }

    /** LeNet's and the cnn example's shape of block: Conv2d (→ BatchNorm2d) → ReLU → MaxPool2d. */
    @Test
    void reluMaxPoolPairsGiveTheSameValuesAndGradientsAsTheLayersOneByOne() {
        Rng.manualSeed(13);
        Sequential net = new Sequential(new Conv2d(2, 4, 3), new ReLU(), new MaxPool2d(2),
                new Conv2d(4, 6, 3, 1, 1), new BatchNorm2d(6), new ReLU(), new MaxPool2d(3, 2, 1), new Flatten(),
                new Linear(6 * 2 * 2, 3));
        Tensor x = Tensor.randn(new Rng(14), 3, 2, 10, 10);
        Tensor w = Tensor.randn(new Rng(15), 3, 3);
        assertSameAsLayerByLayer(net, x, w);
    }

    @Test
    void fusesOnlyAReLUImmediatelyFollowedByAMaxPool2d() {
        Variable x = Variable.constant(Tensor.randn(new Rng(16), 1, 2, 4, 4));
        String fused = Backend.current() == Backend.CPU ? "reluMaxPool2d" : "maxPool2d";
        assertEquals(fused, new Sequential(new ReLU(), new MaxPool2d(2)).forward(x).op());
        assertEquals("maxPool2d", new Sequential(new ReLU(), new Dropout(0.0), new MaxPool2d(2)).forward(x).op());
        assertEquals("avgPool2d", new Sequential(new ReLU(), new AvgPool2d(2)).forward(x).op());
        MaxPool2d custom = new MaxPool2d(2) {
            @Override
            public Variable forward(Variable in) {
                return super.forward(in.mul(2.0));
            }
        };
        assertEquals("maxPool2d", new Sequential(new ReLU(), custom).forward(x).op());
    }

    /**
     * Runs {@code net} on {@code x} as a whole (fused) and layer by layer (not fused), back-propagating
     * {@code sum(y · w)} each time, and checks that outputs and parameter gradients agree bit for bit;
     * returns the fused output.
     */
    private static Variable assertSameAsLayerByLayer(Sequential net, Tensor x, Tensor w) {
        Variable fused = net.forward(Variable.constant(x));
        fused.mul(Variable.constant(w)).sum().backward();
        List<float[]> fusedGrads = grads(net);

        net.zeroGrad();
        Variable h = Variable.constant(x);
        for (int i = 0; i < net.size(); i++) {
            h = net.get(i).forward(h);            // layer by layer: no fusion
        }
        assertArrayEquals(h.value().toFloatArray(), fused.value().toFloatArray());
        h.mul(Variable.constant(w)).sum().backward();
        List<float[]> plainGrads = grads(net);
        for (int k = 0; k < plainGrads.size(); k++) {
            assertArrayEquals(plainGrads.get(k), fusedGrads.get(k), "parameter " + k);
        }
        return fused;
    }

    private static List<float[]> grads(Module m) {
        return m.parameters().stream().map(p -> p.grad().toFloatArray()).toList();
    }
}
