package io.jgrad.nn.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.autograd.AnomalyMode;
import io.jgrad.autograd.NumericalAnomalyException;
import io.jgrad.autograd.Variable;
import io.jgrad.nn.BatchNorm1d;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Losses;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Anomaly mode also watches the fused ops of nn (Linear, BatchNorm1d, the losses): they are
 * recorded through {@code Variable.fromOp}, so the first one whose forward value or backward
 * gradient holds NaN or Inf is named, with its shapes.
 */
@SuppressWarnings("try")
class FusedOpAnomalyTest {
    private static NumericalAnomalyException anomaly(Executable call, String op, String... fragments) {
        NumericalAnomalyException e;
        try (AnomalyMode a = AnomalyMode.enable()) {
            e = assertThrows(NumericalAnomalyException.class, call);
        }
        assertEquals(op, e.op());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should contain '" + f + "'");
        }
        assertFalse(AnomalyMode.isEnabled(), "the scope ended");
        return e;
    }

    private static Variable input(float value, long... shape) {
        float[] v = new float[(int) Tensor.zeros(shape).size()];
        java.util.Arrays.fill(v, value);
        return Variable.constant(Tensor.of(v, shape));
    }

    @Test
    void linearForwardWithAnInfiniteWeightIsNamed() {
        Rng.manualSeed(0);
        Linear l = new Linear(3, 2);
        l.weight().value().array().putScalar(0, 0, Float.POSITIVE_INFINITY);
        Variable x = input(1f, 4, 3);
        anomaly(() -> l.forward(x), "linear", "anomaly: linear produced Inf in its forward", "result shape [4, 2]",
                "input shapes [4, 3], [2, 3], [2]");
        assertTrue(Float.isInfinite(l.forward(x).value().toFloatArray()[0]), "without anomaly mode Inf passes silently");
    }

    @Test
    void linearBackwardOverflowIsNamed() {
        // forward 1e20 * 1e-30 is small, but dW = gᵀ·x = 1e20 * 1e20 overflows float32
        Linear l = new Linear(2, 1, false, new Rng(0));
        l.weight().value().array().assign(1e-30);
        Variable y = l.forward(input(1e20f, 3, 2)).sum().mul(1e20);
        assertTrue(Float.isFinite(y.value().item()));
        anomaly(y::backward, "linear", "Inf", "backward", "result shape [1, 2]", "input shapes [3, 2], [1, 2]");
    }

    @Test
    void crossEntropyOfInfiniteLogitsIsNamed() {
        Variable logits = Variable.of(Tensor.of(new float[] {Float.POSITIVE_INFINITY, 0, 1, 2, 3, 4}, 2, 3), true);
        anomaly(() -> Losses.crossEntropy(logits, new int[] {0, 1}), "crossEntropy", "NaN", "forward",
                "result shape []", "input shapes [2, 3]");
    }

    @Test
    void mseOverflowingFloat32IsNamed() {
        Variable p = Variable.of(Tensor.of(new float[] {3e30f, 0}, 2), true);
        anomaly(() -> Losses.mse(p, input(0f, 2)), "mse", "Inf", "forward", "input shapes [2], [2]");
    }

    @Test
    void batchNormWithAZeroVarianceColumnAndNoEpsIsNamed() {
        BatchNorm1d bn = BatchNorm1d.builder(2).eps(0).build();
        Variable x = Variable.of(Tensor.of(new float[] {1, 5, 1, 6, 1, 7}, 3, 2), true);
        anomaly(() -> bn.forward(x), "batchNorm", "NaN", "forward", "result shape [3, 2]", "input shapes [3, 2], [2], [2]");
    }

    @Test
    void batchNormEvalWithACorruptRunningVarianceIsNamed() {
        BatchNorm1d bn = new BatchNorm1d(2);
        Map<String, Tensor> state = bn.stateDict();
        state.put("running_var", Tensor.of(new float[] {1, -1}, 2));
        bn.loadStateDict(state);
        bn.eval();
        anomaly(() -> bn.forward(input(0.5f, 4, 2)), "batchNormEval", "NaN", "forward", "result shape [4, 2]");
    }

    @Test
    void theFirstFaultyOpIsNamedNotTheOnesItPoisonsLater() {
        Rng.manualSeed(1);
        Linear l1 = new Linear(3, 4);
        Linear l2 = new Linear(4, 2);
        l2.bias().value().array().putScalar(1, Float.NaN);
        Variable x = input(0.5f, 5, 3);
        // l1 is fine, l2 produces the NaN, relu and crossEntropy would only pass it on
        anomaly(() -> Losses.crossEntropy(l2.forward(l1.forward(x).relu()), new int[5]), "linear", "NaN",
                "input shapes [5, 4], [2, 4], [2]");
    }
}
