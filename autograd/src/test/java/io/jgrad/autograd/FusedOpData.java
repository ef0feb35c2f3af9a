package io.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.jgrad.tensor.Tensor;

/** Helpers shared by the fused-op tests ({@link LinearReluTest}, {@link BatchNormReluTest}). */
final class FusedOpData {
    private FusedOpData() {
    }

    /** A fresh leaf requiring grad for each value, so fused and unfused runs get separate gradients. */
    static Variable[] leaves(Tensor... values) {
        Variable[] v = new Variable[values.length];
        for (int i = 0; i < values.length; i++) {
            v[i] = Variable.of(values[i], true);
        }
        return v;
    }

    /** How many elements are exactly zero (a rectifier's zeros). */
    static int countZeros(float[] a) {
        int n = 0;
        for (float f : a) {
            n += f == 0 ? 1 : 0;
        }
        return n;
    }

    /**
     * Back-propagates {@code sum(y · weights)} through the fused and the unfused result and checks
     * that every input got the same gradient, bit for bit.
     */
    static void assertSameGradients(Variable fusedOut, Variable plainOut, Tensor weights, Variable[] fused,
                                    Variable[] plain) {
        fusedOut.mul(Variable.constant(weights)).sum().backward();
        plainOut.mul(Variable.constant(weights)).sum().backward();
        for (int k = 0; k < fused.length; k++) {
            assertArrayEquals(plain[k].grad().toFloatArray(), fused[k].grad().toFloatArray(), "input " + k);
        }
    }

    /** Back-propagates {@code seed} (the caller's own array) from {@code out} and checks the fused backward left it as it was. */
    static void assertSeedUntouched(Variable out, Tensor seed) {
        float[] before = seed.toFloatArray();
        Backprop.run(out, seed.array(), false);
        assertArrayEquals(before, seed.toFloatArray());
    }
}
