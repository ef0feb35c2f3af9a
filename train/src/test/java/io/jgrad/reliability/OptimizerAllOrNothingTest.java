package io.jgrad.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.autograd.Variable;
import io.jgrad.optim.Adam;
import io.jgrad.optim.Optimizer;
import io.jgrad.optim.SGD;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * An optimizer that already has state stays exactly as it was when a step or a state-dict load
 * fails, and a loaded state dict must satisfy the same rules as the builder's arguments.
 */
class OptimizerAllOrNothingTest {
    /** A parameter whose gradient can be swapped for a mis-shaped one, as a broken custom op would leave it. */
    private static final class Breakable extends Variable {
        Tensor wrongGrad;

        Breakable(Tensor value) {
            super(value, true);
        }

        @Override
        public Tensor grad() {
            return wrongGrad != null ? wrongGrad : super.grad();
        }
    }

    private final Variable w = Variable.of(Tensor.randn(new Rng(1), 4, 3), true);
    private final Breakable b = new Breakable(Tensor.randn(new Rng(2), 4));

    private void backward() {
        Variable x = Variable.constant(Tensor.randn(new Rng(3), 5, 3));
        x.matmul(w.transpose()).add(b).tanh().sum().backward();
    }

    private static String rejects(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should contain '" + f + "'");
        }
        return e.getMessage();
    }

    private static void assertSame(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertArrayEquals(v.toDoubleArray(), actual.get(k).toDoubleArray(), k));
    }

    @Test
    void aFailedStepChangesNoParameterAndNoState() {
        Optimizer adam = Adam.builder(List.of(w, b)).lr(0.1).build();
        for (int i = 0; i < 3; i++) {
            adam.zeroGrad();
            backward();
            adam.step();
        }
        adam.zeroGrad();
        backward();
        Map<String, Tensor> state = adam.stateDict();
        float[] wBefore = w.value().toFloatArray();
        float[] bBefore = b.value().toFloatArray();
        b.wrongGrad = Tensor.zeros(2, 2);
        rejects(adam::step, "Adam.step: parameter 1 has value FLOAT32[4] but gradient FLOAT32[2, 2]");
        assertArrayEquals(wBefore, w.value().toFloatArray(), "parameter 0 was validated before anything was updated");
        assertArrayEquals(bBefore, b.value().toFloatArray());
        assertSame(state, adam.stateDict());
        b.wrongGrad = null;
        adam.step();
        assertEquals(4.0, adam.stateDict().get("state.0.step").getDouble(0), "the next good step counts on from 3");
    }

    @Test
    void aLoadedStateDictMustHoldValidOptionsAndStepsAndChangesNothingOtherwise() {
        Optimizer adam = Adam.builder(List.of(w, b)).lr(0.1).build();
        backward();
        adam.step();
        Map<String, Tensor> good = adam.stateDict();
        Optimizer target = Adam.builder(List.of(w, b)).lr(0.1).build();
        backward();
        target.step();
        target.step();
        Map<String, Tensor> before = target.stateDict();

        rejects(() -> target.loadStateDict(with(good, "param_groups.0.lr", Tensor.scalar(-1.0))), "Adam.loadStateDict",
                "param_groups.0", "lr must be a finite number >= 0, got -1.0");
        rejects(() -> target.loadStateDict(with(good, "param_groups.0.beta1", Tensor.scalar(1.5))), "Adam.loadStateDict",
                "betas[0] must be in [0, 1), got 1.5");
        rejects(() -> target.loadStateDict(with(good, "param_groups.0.eps", Tensor.scalar(Double.NaN))), "param_groups.0.eps", "NaN");
        rejects(() -> target.loadStateDict(with(good, "state.1.step", Tensor.scalar(-3.0))), "state.1.step", "-3.0", "whole number");
        rejects(() -> target.loadStateDict(with(good, "state.1.step", Tensor.scalar(2.5))), "state.1.step", "2.5");
        // parameter 0's buffers are fine, parameter 1's second moment is mis-shaped
        rejects(() -> target.loadStateDict(with(good, "state.1.exp_avg_sq", Tensor.zeros(4, 1))), "state.1.exp_avg_sq",
                "[4, 1]", "parameter 1's shape [4]");
        rejects(() -> target.loadStateDict(with(good, "param_groups.0.params", Tensor.of(new double[] {1, 0}, 2))),
                "param_groups.0.params", "the parameter groups differ");
        assertSame(before, target.stateDict());
        assertEquals(0.1, target.lr());

        Optimizer sgd = SGD.builder(List.of(w, b)).lr(0.1).momentum(0.9).build();
        Map<String, Tensor> sgdState = sgd.stateDict();
        rejects(() -> sgd.loadStateDict(with(sgdState, "param_groups.0.momentum", Tensor.scalar(-0.5))), "SGD.loadStateDict",
                "momentum must be a finite number >= 0, got -0.5");
        Map<String, Tensor> nesterovWithDampening = with(with(sgdState, "param_groups.0.nesterov", Tensor.scalar(1.0)),
                "param_groups.0.dampening", Tensor.scalar(0.5));
        rejects(() -> sgd.loadStateDict(nesterovWithDampening), "SGD.loadStateDict", "dampening must be 0 for nesterov, got 0.5");
        assertSame(sgdState, sgd.stateDict());

        target.loadStateDict(good);
        assertSame(good, target.stateDict());
    }

    private static Map<String, Tensor> with(Map<String, Tensor> state, String key, Tensor value) {
        Map<String, Tensor> m = new LinkedHashMap<>(state);
        m.put(key, value);
        return m;
    }
}
