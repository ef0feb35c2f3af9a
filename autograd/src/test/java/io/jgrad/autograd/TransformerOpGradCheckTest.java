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
 * The fused Transformer ops (layer normalisation, GELU, attention's masked softmax, attention
 * over heads read in place, separate or packed) against
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
    void headsAttentionCausalAndNotInputUsedTwice() {
        for (boolean causal : new boolean[] {true, false}) {
            GradCheck.assertGradients(v -> Functional.headsAttention(v[0], v[0].mul(v[1]), v[2], 2, causal).mul(v[3]),
                    uniform(2, 5, 6), uniform(2, 5, 6), uniform(2, 5, 6), uniform(2, 5, 6));
        }
    }

    /** Float32, on shapes that split over the cores: the heads in place equal the transposed-copy form. */
    @Test
    void headsAttentionEqualsAttentionOfTransposedHeads() {
        for (boolean causal : new boolean[] {true, false}) {
            Tensor[] t = {Tensor.uniform(new Rng(1), -1, 1, 4, 33, 64), Tensor.uniform(new Rng(2), -1, 1, 4, 40, 64),
                    Tensor.uniform(new Rng(3), -1, 1, 4, 40, 64), Tensor.uniform(new Rng(4), -1, 1, 4, 33, 64)};
            Variable[] a = new Variable[4];
            Variable[] b = new Variable[4];
            for (int i = 0; i < 4; i++) {
                a[i] = Variable.of(t[i], i < 3);
                b[i] = Variable.of(t[i], i < 3);
            }
            Variable fused = Functional.headsAttention(a[0], a[1], a[2], 4, causal);
            Variable reference = Functional.scaledDotProductAttention(split(b[0]), split(b[1]), split(b[2]), causal)
                    .transpose(1, 2).reshape(4, 33, 64);
            assertClose(reference.value(), fused.value(), "output causal=" + causal);
            fused.mul(a[3]).sum().backward();
            reference.mul(b[3]).sum().backward();
            for (int i = 0; i < 3; i++) {
                assertClose(b[i].grad(), a[i].grad(), "grad " + i + " causal=" + causal);
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Functional.headsAttention(
                Variable.constant(Tensor.zeros(2, 3, 6)), Variable.constant(Tensor.zeros(2, 4, 6)),
                Variable.constant(Tensor.zeros(2, 4, 6)), 4, false));
        assertTrue(e.getMessage().contains("headsAttention") && e.getMessage().contains("[2, 3, 6]"), e.getMessage());
    }

    @Test
    void headsSelfAttentionOfAPackedInput() {
        GradCheck.assertGradients(v -> Functional.headsSelfAttention(v[0].mul(v[1]), 2, true).mul(v[2]),
                uniform(2, 5, 12), uniform(2, 5, 12), uniform(2, 5, 4));
    }

    /** Float32: the packed form equals {@link Functional#headsAttention} of its three column blocks. */
    @Test
    void headsSelfAttentionEqualsHeadsAttentionOfTheBlocks() {
        Tensor t = Tensor.uniform(new Rng(5), -1, 1, 3, 40, 192);
        Tensor w = Tensor.uniform(new Rng(6), -1, 1, 3, 40, 64);
        Variable packed = Variable.of(t, true);
        Variable whole = Variable.of(t, true);
        Variable fused = Functional.headsSelfAttention(packed, 4, true);
        Variable reference = Functional.headsAttention(whole.narrow(2, 0, 64), whole.narrow(2, 64, 64),
                whole.narrow(2, 128, 64), 4, true);
        assertClose(reference.value(), fused.value(), "output");
        fused.mul(Variable.constant(w)).sum().backward();
        reference.mul(Variable.constant(w)).sum().backward();
        assertClose(whole.grad(), packed.grad(), "grad");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Functional.headsSelfAttention(Variable.constant(Tensor.zeros(2, 3, 8)), 2, false));
        assertTrue(e.getMessage().contains("headsSelfAttention") && e.getMessage().contains("[2, 3, 8]"), e.getMessage());
    }

    /** {@code [N, L, 64]} as 4 heads {@code [N, 4, L, 16]}. */
    private static Variable split(Variable x) {
        long[] s = x.shape();
        return x.reshape(s[0], s[1], 4, 16).transpose(1, 2);
    }

    private static void assertClose(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what);
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], 1e-6 * Math.max(1, Math.abs(e[i])), what + ", element " + i);
        }
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
