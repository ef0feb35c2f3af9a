package io.jgrad.extension;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.autograd.GradCheck;
import io.jgrad.autograd.NoGrad;
import io.jgrad.autograd.Variable;
import io.jgrad.tensor.DType;
import io.jgrad.tensor.Tensor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * An op written outside {@code io.jgrad.autograd}, as a user writes one (issue 21, item 3):
 * {@code hypot(a, b) = sqrt(a² + b²)} recorded with {@link Variable#fromOp}, its backward beside
 * its forward, checked by {@link GradCheck} against finite differences in float64.
 */
class CustomOpTest {
    static final AtomicInteger BACKWARDS = new AtomicInteger();

    /** sqrt(a² + b²) elementwise (same shapes); ∂/∂a = a / h, ∂/∂b = b / h. */
    static Variable hypot(Variable a, Variable b) {
        INDArray x = a.value().array();
        INDArray y = b.value().array();
        INDArray h = Transforms.sqrt(x.mul(x).addi(y.mul(y)), false);
        return Variable.fromOp("hypot", h, gradOut -> {
            BACKWARDS.incrementAndGet();
            INDArray scale = gradOut.div(h);
            return new INDArray[] {a.requiresGrad() ? x.mul(scale) : null, b.requiresGrad() ? y.mul(scale) : null};
        }, a, b);
    }

    @Test
    void forwardIsTheFormulaAndBackwardPassesGradCheck() {
        Tensor a = Tensor.of(new float[] {3, -1.5f, 0.25f, 2, -4, 0.5f}, 2, 3).to(DType.FLOAT64);
        Tensor b = Tensor.of(new float[] {4, 2, -0.75f, -1, 3, 1.25f}, 2, 3).to(DType.FLOAT64);
        float[] h = hypot(Variable.constant(a), Variable.constant(b)).value().toFloatArray();
        assertEquals(5f, h[0], 1e-6f);
        assertEquals((float) Math.hypot(0.25, 0.75), h[2], 1e-6f);
        GradCheck.assertGradients(v -> hypot(v[0], v[1]), a, b);
        GradCheck.assertGradients(v -> hypot(v[0], v[1]).mul(v[0]).sum(), a, b);
    }

    @Test
    void composesWithBuiltInOpsAndAccumulates() {
        Variable a = Variable.of(Tensor.of(new float[] {3, 6}, 2), true);
        Variable b = Variable.constant(Tensor.of(new float[] {4, 8}, 2));
        hypot(a, b).sum().backward();
        hypot(a, b).mul(a).sum().backward();            // gradients add up across two graphs
        // first: a/h = 0.6; second: d(h·a)/da = a²/h + h = 1.8 + 5 = 6.8 and 3.6 + 10 = 13.6
        assertArrayEquals(new float[] {0.6f + 6.8f, 0.6f + 13.6f}, a.grad().toFloatArray(), 1e-5f);
        assertEquals(null, b.grad(), "a constant gets no gradient");
    }

    @Test
    void nothingIsRecordedWithoutAGradientToCompute() {
        int before = BACKWARDS.get();
        Variable c = Variable.constant(Tensor.ones(3));
        assertFalse(hypot(c, c).requiresGrad());
        Variable p = Variable.of(Tensor.ones(3), true);
        try (NoGrad g = Variable.noGrad()) {
            assertFalse(hypot(p, c).requiresGrad());
        }
        assertTrue(hypot(p, c).requiresGrad());
        assertEquals(before, BACKWARDS.get(), "the backward ran only when asked");
    }
}
