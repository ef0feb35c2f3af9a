package io.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.DType;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The n-d and image ops of issue 11 against float64 central differences ({@link GradCheck}),
 * on whichever backend the run selects, plus their shape errors naming the op and the shapes.
 */
class NdOpGradCheckTest {
    private long seed = 100;

    private Tensor normal(long... shape) {
        return Tensor.randn(new Rng(seed++), shape).to(DType.FLOAT64);
    }

    private Tensor positive(long... shape) {
        Tensor t = normal(shape);
        Transforms.abs(t.array(), false).addi(0.5);
        return t;
    }

    @Test
    void shapeOps() {
        GradCheck.assertGradients(v -> v[0].transpose(0, 2), normal(2, 3, 4));
        GradCheck.assertGradients(v -> v[0].permute(1, 2, 0), normal(2, 3, 4));
        GradCheck.assertGradients(v -> v[0].unsqueeze(-1).mul(v[0].unsqueeze(-1)), normal(3, 4));
        GradCheck.assertGradients(v -> v[0].squeeze(1), normal(3, 1, 2));
        GradCheck.assertGradients(v -> v[0].narrow(1, 1, 2), normal(3, 4, 2));
        GradCheck.assertGradients(v -> Variable.cat(1, v[0], v[1]), normal(2, 3), normal(2, 2));
        GradCheck.assertGradients(v -> Variable.stack(0, v[0], v[1]), normal(2, 3), normal(2, 3));
    }

    @Test
    void elementwiseAndReductions() {
        GradCheck.assertGradients(v -> v[0].abs(), normal(3, 4));
        GradCheck.assertGradients(v -> v[0].sqrt(), positive(3, 4));
        GradCheck.assertGradients(v -> v[0].sin(), normal(3, 4));
        GradCheck.assertGradients(v -> v[0].cos(), normal(3, 4));
        GradCheck.assertGradients(v -> v[0].clamp(-0.5, 0.5), normal(3, 4));
        GradCheck.assertGradients(v -> v[0].max(1, false), normal(3, 4));
        GradCheck.assertGradients(v -> v[0].min(-1, true), normal(2, 3, 4));
        GradCheck.assertGradients(v -> v[0].gelu(), normal(3, 4));
    }

    @Test
    void batchedMatmul() {
        GradCheck.assertGradients(v -> v[0].matmul(v[1]), normal(2, 3, 4), normal(4, 2));
        GradCheck.assertGradients(v -> v[0].matmul(v[1]), normal(2, 1, 3, 4), normal(3, 4, 2));
    }

    @Test
    void convolutionAndPooling() {
        GradCheck.assertGradients(v -> v[0].conv2d(v[1], v[2], 1, 1, 1, 1), normal(2, 2, 5, 4), normal(3, 2, 3, 3), normal(3));
        GradCheck.assertGradients(v -> v[0].conv2d(v[1], null, 2, 0, 1, 1), normal(1, 2, 6, 5), normal(2, 2, 2, 2));
        GradCheck.assertGradients(v -> v[0].conv2d(v[1], v[2], 1, 1, 2, 2), normal(1, 4, 5, 5), normal(2, 2, 3, 3), normal(2));
        GradCheck.assertGradients(v -> v[0].maxPool2d(2, 2, 0), normal(2, 2, 4, 4));
        GradCheck.assertGradients(v -> v[0].avgPool2d(3, 2, 1), normal(1, 2, 5, 5));
        GradCheck.assertGradients(v -> v[0].batchNorm2d(v[1], v[2], 1e-5, null, null), normal(3, 2, 3, 2), normal(2), normal(2));
    }

    @Test
    void comparisonsAndArgmaxNeedNoGraph() {
        Variable x = Variable.of(Tensor.of(new float[] {1, 5, 5, -2, 0, 3}, 2, 3), true);
        Variable y = Variable.constant(Tensor.of(new float[] {2, 0, 5}, 3));
        assertArrayEquals(new float[] {0, 1, 0, 0, 0, 0}, x.gt(y).value().toFloatArray());
        assertArrayEquals(new float[] {0, 1, 1, 0, 1, 0}, x.ge(y).value().toFloatArray());
        assertArrayEquals(new float[] {1, 0, 0, 1, 0, 1}, x.lt(y).value().toFloatArray());
        assertArrayEquals(new float[] {1, 0, 1, 1, 1, 1}, x.le(y).value().toFloatArray());
        assertArrayEquals(new float[] {0, 0, 1, 0, 1, 0}, x.eq(y).value().toFloatArray());
        assertArrayEquals(new float[] {1, 2}, x.argmax(1, false).value().toFloatArray());
        assertArrayEquals(new long[] {2, 1}, x.argmin(1, true).shape());
        assertTrue(!x.gt(y).requiresGrad() && !x.argmax(1, false).requiresGrad());
    }

    @Test
    void badShapesNameTheOpAndTheShapes() {
        Variable img = Variable.constant(Tensor.zeros(2, 3, 8, 8));
        Variable w = Variable.constant(Tensor.zeros(4, 1, 3, 3));
        String m = assertThrows(IllegalArgumentException.class, () -> img.conv2d(w, null, 1, 0, 1, 1)).getMessage();
        assertTrue(m.contains("conv2d") && m.contains("[2, 3, 8, 8]") && m.contains("[4, 1, 3, 3]"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> Variable.constant(Tensor.zeros(2, 3)).matmul(Variable.constant(Tensor.zeros(2, 4, 5)))).getMessage();
        assertTrue(m.contains("matmul") && m.contains("[2, 3]") && m.contains("[2, 4, 5]"), m);
        m = assertThrows(IllegalArgumentException.class,
                () -> Variable.cat(0, Variable.constant(Tensor.zeros(2, 3)), Variable.constant(Tensor.zeros(2, 4)))).getMessage();
        assertTrue(m.contains("cat") && m.contains("[2, 4]") && m.contains("[2, 3]"), m);
        m = assertThrows(IllegalArgumentException.class, () -> img.narrow(2, 6, 3)).getMessage();
        assertTrue(m.contains("narrow") && m.contains("[2, 3, 8, 8]"), m);
        m = assertThrows(IllegalArgumentException.class, () -> img.maxPool2d(9, 9, 0)).getMessage();
        assertTrue(m.contains("maxPool2d") && m.contains("[2, 3, 8, 8]"), m);
        m = assertThrows(IllegalArgumentException.class, () -> img.permute(0, 1, 1, 2)).getMessage();
        assertTrue(m.contains("permute"), m);
    }
}
