package io.jgrad.autograd;

import static io.jgrad.autograd.FusedOpData.assertSameGradients;
import static io.jgrad.autograd.FusedOpData.leaves;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.DType;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@code Functional.channelAffine}, batch norm's inference form {@code x·α + β} per channel: with
 * no graph to record, the backend's one-pass kernel gives exactly the bits of the composed
 * broadcasting ops ({@code x·α}, then {@code + β}), in float32 and float64, on 3-d and 4-d
 * inputs, planes longer than the kernel's copy chunk, a reshaped input and an empty batch; with a
 * graph, the composed ops and their gradients; shapes that do not fit name the op.
 */
class ChannelAffineTest {
    private static final long[][] SHAPES = {{2, 3, 5, 7}, {4, 6, 33}, {1, 1, 1, 1}, {3, 2, 70, 70}, {0, 3, 2, 2}};

    @Test
    void withNoGraphMatchesTheComposedOpsBitForBit() {
        for (DType type : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (long[] shape : SHAPES) {
                Tensor x = Tensor.randn(new Rng(61), shape).to(type);
                Tensor alpha = Tensor.randn(new Rng(62), shape[1]).to(type);
                Tensor beta = Tensor.randn(new Rng(63), shape[1]).to(type);
                double[] expected = shape[0] == 0 ? new double[0]   // (ND4J's broadcasting ops refuse an empty array)
                        : composed(Variable.constant(x), Variable.constant(alpha), Variable.constant(beta)).value()
                        .toDoubleArray();
                Variable y;
                try (NoGrad g = Variable.noGrad()) {
                    y = Functional.channelAffine(Variable.constant(x), Variable.constant(alpha), Variable.constant(beta));
                }
                String where = type + " " + Arrays.toString(shape);
                assertArrayEquals(shape, y.shape(), where);
                assertArrayEquals(expected, y.value().toDoubleArray(), where);
                assertFalse(y.requiresGrad(), where);
            }
        }
    }

    @Test
    void aReshapedInputAndChannelShapedCoefficientsGiveTheSameBits() {
        Tensor flat = Tensor.randn(new Rng(64), 6, 4 * 9);
        Tensor alpha = Tensor.randn(new Rng(65), 1, 4, 1, 1);
        Tensor beta = Tensor.randn(new Rng(66), 4);
        Variable x = Variable.constant(flat).reshape(6, 4, 3, 3);          // a view of the dense array
        double[] expected = composed(x, Variable.constant(alpha), Variable.constant(beta)).value().toDoubleArray();
        try (NoGrad g = Variable.noGrad()) {
            Variable y = Functional.channelAffine(x, Variable.constant(alpha), Variable.constant(beta));
            assertArrayEquals(expected, y.value().toDoubleArray());
        }
    }

    @Test
    void withAGraphItIsTheComposedOpsWithTheirGradients() {
        Tensor x = Tensor.randn(new Rng(67), 3, 4, 5, 5);
        Tensor alpha = Tensor.randn(new Rng(68), 4);
        Tensor beta = Tensor.randn(new Rng(69), 4);
        Tensor weights = Tensor.randn(new Rng(70), 3, 4, 5, 5);
        Variable[] fused = leaves(x, alpha, beta);
        Variable[] plain = leaves(x, alpha, beta);
        Variable yf = Functional.channelAffine(fused[0], fused[1], fused[2]);
        Variable yp = composed(plain[0], plain[1], plain[2]);
        assertTrue(yf.requiresGrad());
        assertArrayEquals(yp.value().toFloatArray(), yf.value().toFloatArray());
        assertSameGradients(yf, yp, weights, fused, plain);
    }

    @Test
    void shapesThatDoNotFitNameTheOp() {
        Variable x = Variable.constant(Tensor.randn(new Rng(71), 2, 3, 4, 4));
        Variable three = Variable.constant(Tensor.randn(new Rng(72), 3));
        Variable four = Variable.constant(Tensor.randn(new Rng(73), 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Functional.channelAffine(x, four, three));
        assertTrue(e.getMessage().contains("channelAffine") && e.getMessage().contains("[2, 3, 4, 4]")
                && e.getMessage().contains("[4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Functional.channelAffine(Variable.constant(Tensor.randn(new Rng(74), 3)), three, three));
        assertThrows(IllegalArgumentException.class,
                () -> Functional.channelAffine(x, three, Variable.constant(Tensor.randn(new Rng(75), 3).to(DType.FLOAT64))));
    }

    /** {@code x·α + β} as broadcasting ops, α and β reshaped to {@code [1, C, 1, …]}. */
    private static Variable composed(Variable x, Variable alpha, Variable beta) {
        long[] perChannel = new long[x.shape().length];
        Arrays.fill(perChannel, 1);
        perChannel[1] = x.shape()[1];
        return x.mul(alpha.reshape(perChannel)).add(beta.reshape(perChannel));
    }
}
