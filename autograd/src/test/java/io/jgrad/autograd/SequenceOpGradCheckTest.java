package io.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.DType;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The sequence ops (the fused LSTM and GRU layer recurrences and scaled dot-product attention)
 * against float64 central differences ({@link GradCheck}) on whichever backend the run selects,
 * every input and the final states included, plus their shape errors.
 */
class SequenceOpGradCheckTest {
    private long seed = 300;

    private Tensor uniform(long... shape) {
        return Tensor.uniform(new Rng(seed++), -1, 1, shape).to(DType.FLOAT64);
    }

    @Test
    void lstmLayerEveryInputAndFinalState() {
        GradCheck.assertGradients(v -> {
            Functional.LstmResult r = Functional.lstmLayer(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
            return Variable.cat(1, r.output().reshape(2, 9), r.h(), r.c());
        }, uniform(2, 3, 4), uniform(12, 4), uniform(12), uniform(12, 3), uniform(12), uniform(2, 3), uniform(2, 3));
    }

    @Test
    void lstmLayerGradientOnlyThroughTheCellState() {
        GradCheck.assertGradients(v -> Functional.lstmLayer(v[0], v[1], v[2], v[3], v[4], v[5], v[6]).c().mul(v[5]),
                uniform(3, 4, 5), uniform(8, 5), uniform(8), uniform(8, 2), uniform(8), uniform(3, 2), uniform(3, 2));
    }

    @Test
    void gruLayerEveryInputAndFinalState() {
        GradCheck.assertGradients(v -> {
            Functional.GruResult r = Functional.gruLayer(v[0], v[1], v[2], v[3], v[4], v[5]);
            return Variable.cat(1, r.output().reshape(2, 12), r.h());
        }, uniform(2, 4, 5), uniform(9, 5), uniform(9), uniform(9, 3), uniform(9), uniform(2, 3));
    }

    @Test
    void gruLayerOneStep() {
        GradCheck.assertGradients(v -> Functional.gruLayer(v[0], v[1], v[2], v[3], v[4], v[5]).h(),
                uniform(3, 1, 2), uniform(6, 2), uniform(6), uniform(6, 2), uniform(6), uniform(3, 2));
    }

    @Test
    void attentionNonCausalWithLNotS() {
        GradCheck.assertGradients(v -> Functional.scaledDotProductAttention(v[0], v[1], v[2], false),
                uniform(2, 3, 4), uniform(2, 5, 4), uniform(2, 5, 3));
    }

    @Test
    void attentionCausalWithHeads() {
        GradCheck.assertGradients(v -> Functional.scaledDotProductAttention(v[0], v[1], v[2], true),
                uniform(2, 2, 4, 3), uniform(2, 2, 4, 3), uniform(2, 2, 4, 2));
        GradCheck.assertGradients(v -> Functional.scaledDotProductAttention(v[0], v[1], v[2], true),
                uniform(1, 3, 2), uniform(1, 5, 2), uniform(1, 5, 2));
    }

    @Test
    void attentionBroadcastsLeadingDimensions() {
        GradCheck.assertGradients(v -> Functional.scaledDotProductAttention(v[0], v[1], v[2], false),
                uniform(2, 2, 3, 4), uniform(2, 1, 5, 4), uniform(5, 3));
    }

    @Test
    void causalRowsIgnoreLaterPositions() {
        Variable q = Variable.constant(uniform(1, 3, 2));
        Variable k = Variable.constant(uniform(1, 3, 2));
        double[] v1 = uniform(1, 3, 2).toDoubleArray();
        double[] v2 = v1.clone();
        v2[4] += 10;                                      // the last position's value
        Variable a = Functional.scaledDotProductAttention(q, k, Variable.constant(Tensor.of(v1, 1, 3, 2)), true);
        Variable b = Functional.scaledDotProductAttention(q, k, Variable.constant(Tensor.of(v2, 1, 3, 2)), true);
        double[] x = a.value().toDoubleArray();
        double[] y = b.value().toDoubleArray();
        assertArrayEquals(java.util.Arrays.copyOf(x, 4), java.util.Arrays.copyOf(y, 4), 0, "rows 0 and 1 do not see position 2");
        assertEquals(x[0], v1[0], 1e-12, "row 0 attends to position 0 only");
        assertTrue(Math.abs(x[4] - y[4]) > 1e-3, "row 2 sees position 2");
    }

    @Test
    void badShapesNameTheOp() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Functional.scaledDotProductAttention(
                Variable.constant(uniform(2, 3, 4)), Variable.constant(uniform(2, 5, 3)), Variable.constant(uniform(2, 5, 3)), false));
        assertTrue(e.getMessage().contains("scaledDotProductAttention") && e.getMessage().contains("[2, 5, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functional.lstmLayer(Variable.constant(uniform(2, 3, 5)),
                Variable.constant(uniform(8, 5)), Variable.constant(uniform(8)), Variable.constant(uniform(8, 3)),
                Variable.constant(uniform(8)), Variable.constant(uniform(2, 3)), Variable.constant(uniform(2, 3))));
        assertTrue(e.getMessage().startsWith("lstm:") && e.getMessage().contains("weight_hh [8, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functional.lstmLayer(Variable.constant(uniform(2, 3, 5)),
                Variable.constant(uniform(8, 4)), Variable.constant(uniform(8)), Variable.constant(uniform(8, 2)),
                Variable.constant(uniform(8)), Variable.constant(uniform(2, 2)), Variable.constant(uniform(2, 2))));
        assertTrue(e.getMessage().contains("x [2, 3, 5], weight_ih [8, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functional.gruLayer(Variable.constant(uniform(2, 3, 4)),
                Variable.constant(uniform(9, 4)), Variable.constant(uniform(9)), Variable.constant(uniform(9, 3)),
                Variable.constant(uniform(9)), Variable.constant(uniform(3, 3))));
        assertTrue(e.getMessage().startsWith("gru:") && e.getMessage().contains("h0 [3, 3]"), e.getMessage());
    }
}
