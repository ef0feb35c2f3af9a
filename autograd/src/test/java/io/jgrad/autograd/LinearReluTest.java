package io.jgrad.autograd;

import static io.jgrad.autograd.FusedOpData.assertSameGradients;
import static io.jgrad.autograd.FusedOpData.countZeros;
import static io.jgrad.autograd.FusedOpData.leaves;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.DType;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The fused {@code linear_relu} op: exactly {@code relu(linear(...))}, forward and backward. */
class LinearReluTest {

    /** Runs fused and unfused on the same float32 data, with a loss that weights each output differently. */
    @Test
    void matchesReluOfLinearBitForBitInFloat32() {
        Tensor xs = Tensor.randn(new Rng(11), 5, 7);
        Tensor ws = Tensor.randn(new Rng(12), 6, 7);
        Tensor bs = Tensor.randn(new Rng(13), 6);
        Tensor weights = Tensor.randn(new Rng(14), 5, 6);
        Variable[] fused = leaves(xs, ws, bs);
        Variable[] plain = leaves(xs, ws, bs);
        Variable yf = Functional.linearRelu(fused[0], fused[1], fused[2]);
        Variable yp = Functional.linear(plain[0], plain[1], plain[2]).relu();
        assertEquals("linear_relu", yf.op());
        assertArrayEquals(yp.value().toFloatArray(), yf.value().toFloatArray());
        assertTrue(countZeros(yf.value().toFloatArray()) > 0, "the data should exercise the rectifier's zeros");
        assertSameGradients(yf, yp, weights, fused, plain);
    }

    @Test
    void passesFloat64GradCheckWithAndWithoutBias() {
        GradCheck.Report withBias = GradCheck.check(v -> Functional.linearRelu(v[0], v[1], v[2]),
                Tensor.randn(new Rng(21), 4, 3).to(DType.FLOAT64), Tensor.randn(new Rng(22), 5, 3).to(DType.FLOAT64),
                Tensor.randn(new Rng(23), 5).to(DType.FLOAT64));
        assertTrue(withBias.passed(), withBias.worst());
        GradCheck.Report noBias = GradCheck.check(v -> Functional.linearRelu(v[0], v[1], null),
                Tensor.randn(new Rng(24), 4, 3).to(DType.FLOAT64), Tensor.randn(new Rng(25), 5, 3).to(DType.FLOAT64));
        assertTrue(noBias.passed(), noBias.worst());
    }

    /** The incoming gradient may be the caller's own array: the fused backward must not write into it. */
    @Test
    void leavesACallerSuppliedSeedUntouched() {
        Variable x = Variable.of(Tensor.randn(new Rng(31), 3, 4), true);
        Variable w = Variable.of(Tensor.randn(new Rng(32), 2, 4), true);
        Variable y = Functional.linearRelu(x, w, null);
        FusedOpData.assertSeedUntouched(y, Tensor.randn(new Rng(33), 3, 2));
    }

    @Test
    void rejectsMismatchedShapesNamingThem() {
        Variable x = Variable.constant(Tensor.randn(new Rng(41), 3, 4));
        Variable w = Variable.of(Tensor.randn(new Rng(42), 2, 5), true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Functional.linearRelu(x, w, null));
        assertTrue(e.getMessage().contains("[3, 4]") && e.getMessage().contains("[2, 5]"), e.getMessage());
    }
}
