package io.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * conv2d, maxPool2d and batchNorm2d write their input gradient straight into the engine's
 * buffers: it must overwrite a reused buffer's stale contents when it is the first gradient
 * ({@code beta = 0}), add to what another consumer already put there ({@code beta = 1}), and
 * accumulate into a leaf's grad across backwards, all giving the numbers of the plain gradient.
 */
class ImageOpsIntoBuffersTest {
    private static final long[] SHAPE = {3, 4, 6, 6};

    private static Variable leaf(long seed, long... shape) {
        return Variable.of(Tensor.uniform(new Rng(seed), -1, 1, shape), true);
    }

    /** d/dx of {@code Σ op(x)·u} alone, then with {@code Σ x·c} added before and after the op's branch. */
    private static void check(UnaryOperator<Variable> op) {
        Variable u = Variable.constant(Tensor.uniform(new Rng(5), -1, 1, op.apply(leaf(1, SHAPE)).shape()));
        Variable c = Variable.constant(Tensor.uniform(new Rng(6), -1, 1, SHAPE));
        Variable x = leaf(1, SHAPE);
        op.apply(x).mul(u).sum().backward();
        float[] alone = x.grad().toFloatArray();
        float[] plusC = alone.clone();
        float[] cs = c.value().toFloatArray();
        for (int i = 0; i < plusC.length; i++) {
            plusC[i] += cs[i];
        }
        for (int round = 0; round < 2; round++) {          // round 1 reuses pooled buffers holding round 0's values
            Variable y = leaf(1, SHAPE);
            Variable h = y.mul(1.0);                          // an intermediate: its pending gradient is the target
            op.apply(h).mul(u).sum().add(h.mul(c).sum()).backward();
            assertArrayEquals(plusC, y.grad().toFloatArray(), 1e-6f, "other consumer first, round " + round);
            Variable z = leaf(1, SHAPE);
            Variable k = z.mul(1.0);
            k.mul(c).sum().add(op.apply(k).mul(u).sum()).backward();
            assertArrayEquals(plusC, z.grad().toFloatArray(), 1e-6f, "op's branch first, round " + round);
        }
        op.apply(x).mul(u).sum().backward();              // into the leaf's grad, which holds the first backward's
        float[] twice = alone.clone();
        for (int i = 0; i < twice.length; i++) {
            twice[i] += alone[i];
        }
        assertArrayEquals(twice, x.grad().toFloatArray(), 1e-6f, "accumulated in the leaf's grad");
    }

    @Test
    void conv2d() {
        Variable w = leaf(2, 5, 4, 3, 3);
        Variable b = leaf(3, 5);
        check(v -> v.conv2d(w, b, 1, 1, 1, 1));
    }

    @Test
    void maxPool2d() {
        check(v -> v.maxPool2d(2, 2, 0));
        check(v -> v.maxPool2d(3, 2, 1));
    }

    @Test
    void batchNorm2d() {
        Variable w = leaf(2, 4);
        Variable b = leaf(3, 4);
        check(v -> v.batchNorm2d(w, b, 1e-5, null, null));
    }
}
