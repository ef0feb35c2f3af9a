package io.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.DType;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The fused Transformer ops (layer normalisation, GELU, attention's masked softmax) against
 * float64 central differences ({@link GradCheck}) on whichever backend the run selects: every
 * input, inputs of rank 3, an input that also reaches the loss another way (so its gradient
 * buffer accumulates), and the shape errors.
 */
class TransformerOpGradCheckTest {
    private long seed = 900;

    private Tensor uniform(long... shape) {
        return Tensor.uniform(new Rng(seed++), -1, 1, shape).to(DType.FLOAT64);
    }

    @Test
    void layerNormEveryInput() {
        GradCheck.assertGradients(v -> Functional.layerNorm(v[0], v[1], v[2], 1e-5).mul(v[3]),
                uniform(2, 3, 5), uniform(5), uniform(5), uniform(2, 3, 5));
    }

    @Test
    void layerNormWithoutAffineAndInputUsedTwice() {
        GradCheck.assertGradients(v -> Functional.layerNorm(v[0], null, null, 1e-5).mul(v[1]).add(v[0].mul(v[0])),
                uniform(4, 6), uniform(4, 6));
    }

    @Test
    void layerNormOfASum() {
        GradCheck.assertGradients(v -> Functional.layerNorm(v[0].add(v[1]), v[2], v[3], 1e-5).mul(v[4]),
                uniform(2, 2, 4), uniform(2, 2, 4), uniform(4), uniform(4), uniform(2, 2, 4));
    }

    @Test
    void gelu() {
        GradCheck.assertGradients(v -> v[0].mul(3).gelu().mul(v[1]), uniform(3, 7), uniform(3, 7));
    }

    @Test
    void causalAttentionInputUsedTwice() {
        GradCheck.assertGradients(v -> Functional.scaledDotProductAttention(v[0], v[0].mul(v[1]), v[2], true).mul(v[3]),
                uniform(2, 2, 5, 3), uniform(2, 2, 5, 3), uniform(2, 2, 5, 4), uniform(2, 2, 5, 4));
    }

    @Test
    void layerNormShapeErrorsNameTheShapes() {
        Variable x = Variable.constant(Tensor.zeros(2, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Functional.layerNorm(x, Variable.constant(Tensor.ones(4)), Variable.constant(Tensor.zeros(4)), 1e-5));
        assertTrue(e.getMessage().contains("layerNorm") && e.getMessage().contains("[2, 3]")
                && e.getMessage().contains("[4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Functional.layerNorm(x, Variable.constant(Tensor.ones(3)), null, 1e-5));
    }
}
