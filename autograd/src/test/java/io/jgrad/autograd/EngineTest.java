package io.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.DType;
import io.jgrad.tensor.Tensor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The backward engine: accumulation, graph release and retainGraph, detach, requiresGrad,
 * long chains, misuse errors, op argument errors and anomaly detection.
 */
class EngineTest {

    @Test
    void sumOfAnEmptyTensorIsZeroAndMeanIsNaNAsInPyTorch() {
        Variable e = Variable.of(Tensor.zeros(0, 3), true);
        Variable s = e.sum();
        assertEquals(0f, s.value().item());
        assertTrue(Float.isNaN(e.mean().value().item()));
        s.backward();
        assertArrayEquals(new long[] {0, 3}, e.grad().shape());
    }

    @Test
    void nonFiniteScalarConstantsPropagateLikePyTorch() {
        // ND4J's own scalar ops turn x * NaN into 1e-5 * x and x + NaN into x
        Variable x = leaf(new float[] {1, -2}, 2);
        assertTrue(Float.isNaN(x.mul(Double.NaN).value().toFloatArray()[0]));
        assertTrue(Float.isNaN(x.add(Double.NaN).value().toFloatArray()[1]));
        assertArrayEquals(new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY},
                x.mul(Double.POSITIVE_INFINITY).value().toFloatArray());
        x.mul(Double.NaN).sum().backward();
        assertTrue(Float.isNaN(x.grad().toFloatArray()[0]));
    }

    private static Variable leaf(float[] data, long... shape) {
        return Variable.of(Tensor.of(data, shape), true);
    }

    private static Variable leaf(float... data) {
        return leaf(data, data.length);
    }

    private static void assertMessage(Exception e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message lacks '" + p + "': " + e.getMessage());
        }
    }

    @Test
    void broadcastGradientsAreSummedBackToEachInput() {
        Variable x = leaf(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Variable b = leaf(1, 1, 1);
        Variable y = x.mul(x).add(b).sum();
        y.backward();
        assertEquals(91 + 6, y.value().item());
        assertArrayEquals(new float[] {2, 4, 6, 8, 10, 12}, x.grad().toFloatArray());
        assertArrayEquals(new long[] {3}, b.grad().shape());
        assertArrayEquals(new float[] {2, 2, 2}, b.grad().toFloatArray());
    }

    @Test
    void gradIsNullBeforeBackward() {
        Variable x = leaf(1, 2);
        assertNull(x.grad());
        x.zeroGrad(); // harmless before the first backward
        assertNull(x.grad());
    }

    @Test
    void gradientsAccumulateAcrossBackwardCalls() {
        Variable x = leaf(1, 2, 3);
        x.mul(x).sum().backward();
        x.mul(3.0).sum().backward();
        assertArrayEquals(new float[] {5, 7, 9}, x.grad().toFloatArray());
        Tensor buffer = x.grad();
        x.zeroGrad();
        assertArrayEquals(new float[] {0, 0, 0}, x.grad().toFloatArray());
        x.exp().sum().backward();
        assertTrue(buffer == x.grad(), "zeroGrad keeps and reuses the buffer");
        x.clearGrad();
        assertNull(x.grad());
    }

    @Test
    void fanOutGradientsAddUp() {
        Variable x = leaf(1, -2);
        x.mul(2.0).add(x.mul(3.0)).add(x).sum().backward();
        assertArrayEquals(new float[] {6, 6}, x.grad().toFloatArray());
        Variable y = leaf(3);
        y.add(y).mul(y).sum().backward(); // 2y², d/dy = 4y
        assertArrayEquals(new float[] {12}, y.grad().toFloatArray());
    }

    @Test
    void leavesSharingAnUpstreamGradientGetSeparateBuffers() {
        Variable x = leaf(1, 2);
        Variable y = leaf(3, 4);
        x.add(y).sum().backward(); // add hands the same gradient array to both inputs
        x.grad().array().addi(10);
        assertArrayEquals(new float[] {1, 1}, y.grad().toFloatArray());
        x.add(y).sum().backward();
        assertArrayEquals(new float[] {12, 12}, x.grad().toFloatArray());
        assertArrayEquals(new float[] {2, 2}, y.grad().toFloatArray());
    }

    @Test
    void backwardLeavesValuesUntouched() {
        Variable x = leaf(new float[] {1, 2, 3, 4}, 2, 2);
        Variable c = Variable.constant(Tensor.of(new float[] {5, 6}, 2));
        for (int i = 0; i < 2; i++) {
            x.mul(c).reshape(4).add(x.reshape(4)).sum().backward();
        }
        assertArrayEquals(new float[] {1, 2, 3, 4}, x.value().toFloatArray());
        assertArrayEquals(new float[] {5, 6}, c.value().toFloatArray());
        assertArrayEquals(new float[] {12, 14, 12, 14}, x.grad().toFloatArray());
    }

    @Test
    void aChainOf10000OpsBackpropagatesOnASmallStack() throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<double[]> result = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                Variable x = Variable.of(Tensor.of(new double[] {0.5}, 1), true);
                Variable y = x;
                for (int i = 0; i < 5_000; i++) {
                    y = y.mul(1.0001).add(0.001); // 10,000 ops in one chain
                }
                y.sum().backward();
                result.set(new double[] {x.grad().toDoubleArray()[0], y.value().toDoubleArray()[0]});
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "small-stack", 256 * 1024);
        t.start();
        t.join();
        if (failure.get() != null) {
            throw new AssertionError("backward through a 10,000-op chain failed", failure.get());
        }
        double slope = Math.pow(1.0001, 5_000);
        assertEquals(slope, result.get()[0], 1e-9 * slope);
        // y_n = 1.0001^n x + 0.001 (1.0001^n - 1) / 0.0001
        assertEquals(slope * 0.5 + 10 * (slope - 1), result.get()[1], 1e-8);
    }

    @Test
    void aTanhChainOf10000OpsHasTheProductOfLocalDerivatives() {
        Variable x = Variable.of(Tensor.of(new double[] {0.8}, 1), true);
        double v = 0.8;
        double grad = 1;
        Variable y = x;
        for (int i = 0; i < 10_000; i++) {
            y = y.tanh();
            v = Math.tanh(v);
            grad *= 1 - v * v;
        }
        y.sum().backward();
        assertEquals(v, y.value().toDoubleArray()[0], 1e-12);
        assertEquals(grad, x.grad().toDoubleArray()[0], 1e-9 * grad);
    }

    @Test
    void retainGraphAllowsASecondBackwardThatDoublesTheGradient() {
        Variable x = leaf(1, 2, 3);
        Variable loss = x.mul(x).sum();
        loss.backward(true);
        loss.backward(true);
        assertArrayEquals(new float[] {4, 8, 12}, x.grad().toFloatArray());
        loss.backward(); // releases
        assertArrayEquals(new float[] {6, 12, 18}, x.grad().toFloatArray());
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertMessage(e, "released", "retain");
    }

    @Test
    void aReleasedGraphCannotBeBackpropagatedAgain() {
        Variable x = leaf(1, 2);
        Variable h = x.exp();
        Variable loss = h.sum();
        loss.backward();
        float[] first = x.grad().toFloatArray();
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertMessage(e, "backward", "released");
        // a new root built on a released intermediate fails the same way, before touching any grad
        IllegalStateException e2 = assertThrows(IllegalStateException.class, () -> h.mul(2.0).sum().backward());
        assertMessage(e2, "exp", "[2]", "released");
        assertArrayEquals(first, x.grad().toFloatArray());
    }

    @Test
    void detachStopsTheGradient() {
        Variable x = leaf(1, 2, 3);
        Variable d = x.detach();
        assertFalse(d.requiresGrad());
        assertTrue(d.value() == x.value(), "detach shares the value");
        x.mul(d).sum().backward(); // d/dx sum(x * const) = const, not 2x
        assertArrayEquals(new float[] {1, 2, 3}, x.grad().toFloatArray());
        assertNull(d.grad());
    }

    @Test
    void inputsNotRequiringGradGetNone() {
        Variable x = leaf(1, 2);
        Variable frozen = Variable.of(Tensor.of(new float[] {3, 4}, 2), false);
        Variable c = Variable.constant(Tensor.of(new float[] {5, 6}, 2));
        x.mul(frozen).add(c.mul(frozen)).div(c).sum().backward();
        assertNull(frozen.grad());
        assertNull(c.grad());
        assertArrayEquals(new float[] {3f / 5, 4f / 6}, x.grad().toFloatArray(), 1e-7f);
    }

    @Test
    void noGradientIsComputedForBranchesThatNeedNone() {
        AtomicInteger calls = new AtomicInteger();
        GradFn counting = g -> {
            calls.incrementAndGet();
            return new INDArray[] {g};
        };
        Variable c = Variable.constant(Tensor.of(new float[] {1, 2}, 2));
        Variable constBranch = Variable.fromOp("count", c.value().array().dup(), counting, c);
        assertFalse(constBranch.requiresGrad(), "an op on constants records nothing");
        Variable x = leaf(1, 1);
        x.mul(constBranch).sum().backward();
        assertEquals(0, calls.get());
        assertArrayEquals(new float[] {1, 2}, x.grad().toFloatArray());

        // a GradFn that returns a gradient for a constant input anyway: the engine ignores it
        Variable both = Variable.fromOp("both", x.value().array().add(c.value().array()),
                g -> new INDArray[] {g, g}, x, c);
        both.sum().backward();
        assertNull(c.grad());
        assertArrayEquals(new float[] {2, 3}, x.grad().toFloatArray());
    }

    @Test
    void backwardNeedsAOneElementRoot() {
        Variable y = leaf(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).exp();
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertMessage(e, "backward", "[2, 3]");
        Variable x = leaf(new float[] {2}, 1, 1);
        x.mul(x).backward(); // one element of shape [1, 1] is fine, as in PyTorch
        assertArrayEquals(new float[] {4}, x.grad().toFloatArray());
    }

    @Test
    void backwardFromAConstantRootIsAnError() {
        Variable c = Variable.constant(Tensor.scalar(1f));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.exp().backward());
        assertMessage(e, "does not require grad");
    }

    @Test
    void aGradFnReturningTheWrongCountIsAnError() {
        Variable x = leaf(1, 2);
        Variable bad = Variable.fromOp("bad", x.value().array().dup(), g -> new INDArray[] {g, g}, x);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> bad.sum().backward());
        assertMessage(e, "bad", "2 gradients", "1 inputs");
    }

    @Test
    void float64StaysFloat64() {
        Variable x = Variable.of(Tensor.of(new double[] {0.1, 0.2}, 2), true);
        Variable y = x.mul(x).exp().sum();
        assertEquals(DType.FLOAT64, y.value().dtype());
        y.backward();
        assertEquals(DType.FLOAT64, x.grad().dtype());
        double[] g = x.grad().toDoubleArray();
        assertEquals(2 * 0.1 * Math.exp(0.01), g[0], 1e-15);
        assertEquals(2 * 0.2 * Math.exp(0.04), g[1], 1e-15);
    }

    @Test
    void edgeValuesMatchPyTorch() {
        Variable x = leaf(0, 1);
        float[] log = x.log().value().toFloatArray();
        assertEquals(Float.NEGATIVE_INFINITY, log[0]);
        assertEquals(0f, log[1]);
        Variable logits = leaf(new float[] {1000, -1000, 0, -1000, 1000, 999}, 2, 3);
        assertArrayEquals(new float[] {1, 0, 0, 0, 0.7310586f, 0.26894143f},
                logits.softmax(1).value().toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {0, -2000, -1000, -2000.3132f, -0.31326166f, -1.3132616f},
                logits.logSoftmax(1).value().toFloatArray(), 1e-3f);
    }

    @Test
    void opArgumentErrorsNameTheOpAndShapes() {
        Variable a = leaf(new float[6], 2, 3);
        Variable b = leaf(new float[4], 4);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> a.add(b)), "add", "[2, 3]", "[4]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> a.sub(b)), "sub", "[2, 3]", "[4]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> a.mul(b)), "mul", "[2, 3]", "[4]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> a.div(b)), "div", "[2, 3]", "[4]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> a.matmul(a)), "matmul", "[2, 3]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> b.matmul(a)), "matmul", "[4]", "[2, 3]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> a.reshape(4, 2)), "reshape", "[2, 3]", "[4, 2]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> b.transpose()), "transpose", "[4]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> a.sum(2, false)), "sum", "2");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> a.softmax(-3)), "softmax", "-3");
        Variable d = Variable.of(Tensor.zeros(DType.FLOAT64, 2, 3), true);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> a.add(d)), "add", "FLOAT32", "FLOAT64");
    }

    @Test
    @SuppressWarnings("try")
    void anomalyModeNamesTheFirstOpProducingNaN() {
        Variable x = leaf(-1, 2, 3);
        try (AnomalyMode m = AnomalyMode.enable()) {
            assertTrue(AnomalyMode.isEnabled());
            NumericalAnomalyException e = assertThrows(NumericalAnomalyException.class,
                    () -> x.mul(2.0).log().exp().sum());
            assertEquals("log", e.op());
            assertMessage(e, "log", "NaN", "forward", "[3]");
        }
        assertFalse(AnomalyMode.isEnabled());
        assertTrue(Float.isNaN(x.log().value().toFloatArray()[0]), "without anomaly mode NaN passes silently");
    }

    @Test
    @SuppressWarnings("try")
    void anomalyModeChecksBackwardGradients() {
        Variable x = leaf(new float[] {0, 4}, 2);
        Variable loss = x.pow(0.5).sum(); // d/dx sqrt(x) = inf at 0
        try (AnomalyMode m = AnomalyMode.enable()) {
            NumericalAnomalyException e = assertThrows(NumericalAnomalyException.class, loss::backward);
            assertEquals("pow", e.op());
            assertMessage(e, "pow", "Inf", "backward", "[2]");
        }
    }
}
