package io.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sequential runs a Linear directly followed by a ReLU as one fused op: same outputs and
 * parameter gradients as the layers one by one, and only where that is what the user wrote.
 */
class SequentialFusionTest {

    @Test
    void linearReluPairsGiveTheSameValuesAndGradientsAsTheLayersOneByOne() {
        Rng.manualSeed(5);
        Sequential net = new Sequential(new Linear(6, 8), new ReLU(), new Linear(8, 8), new ReLU(), new Linear(8, 3));
        Tensor x = Tensor.randn(new Rng(6), 4, 6);
        Tensor w = Tensor.randn(new Rng(7), 4, 3);

        Variable fused = net.forward(Variable.constant(x));
        assertEquals("linear", fused.op());
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

    private static List<float[]> grads(Module m) {
        return m.parameters().stream().map(p -> p.grad().toFloatArray()).toList();
    }
}
