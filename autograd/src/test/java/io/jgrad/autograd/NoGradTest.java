package io.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.Tensor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** {@code Variable.noGrad()} scopes: nothing recorded inside, nesting, and recovery after exceptions. */
@SuppressWarnings("try") // scopes are opened for their effect; the resource variable goes unused
class NoGradTest {

    private static Variable leaf(float... data) {
        return Variable.of(Tensor.of(data, data.length), true);
    }

    @Test
    void opsInsideRecordNothing() {
        Variable x = leaf(1, 2, 3);
        Variable y;
        try (NoGrad g = Variable.noGrad()) {
            assertFalse(Variable.isGradEnabled());
            y = x.mul(x).exp().sum();
        }
        assertTrue(Variable.isGradEnabled());
        assertFalse(y.requiresGrad());
        assertTrue(y.isLeaf());
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
        assertTrue(x.mul(x).requiresGrad(), "recording resumes after the scope");
    }

    @Test
    void aValueComputedUnderNoGradActsAsAConstant() {
        Variable x = leaf(1, 2, 3);
        Variable twice;
        try (NoGrad g = Variable.noGrad()) {
            twice = x.mul(2.0);
        }
        x.mul(twice).sum().backward(); // d/dx sum(x * c) = c, not 4x
        assertArrayEquals(new float[] {2, 4, 6}, x.grad().toFloatArray());
    }

    @Test
    void scopesNestAndRecordingResumesOnlyWhenTheOutermostCloses() {
        Variable x = leaf(1, 2);
        try (NoGrad outer = Variable.noGrad()) {
            try (NoGrad inner = Variable.noGrad()) {
                assertFalse(x.neg().requiresGrad());
            }
            assertFalse(Variable.isGradEnabled(), "closing the inner scope must not resume recording");
            assertFalse(x.neg().requiresGrad());
        }
        assertTrue(Variable.isGradEnabled());
        assertTrue(x.neg().requiresGrad());
    }

    @Test
    void recordingResumesAfterAnExceptionInNestedScopes() {
        Variable x = leaf(1, 2);
        assertThrows(IllegalArgumentException.class, () -> {
            try (NoGrad outer = Variable.noGrad()) {
                try (NoGrad inner = Variable.noGrad()) {
                    x.add(leaf(1, 2, 3)); // [2] + [3] does not broadcast
                }
            }
        });
        assertTrue(Variable.isGradEnabled());
        assertTrue(x.tanh().requiresGrad());
    }

    @Test
    void closingTwiceDoesNotEndAnEnclosingScope() {
        try (NoGrad outer = Variable.noGrad()) {
            NoGrad inner = Variable.noGrad();
            inner.close();
            inner.close();
            assertFalse(Variable.isGradEnabled());
        }
        assertTrue(Variable.isGradEnabled());
    }

    @Test
    void scopesArePerThread() throws InterruptedException {
        AtomicBoolean otherThreadRecords = new AtomicBoolean();
        try (NoGrad g = Variable.noGrad()) {
            Thread t = new Thread(() -> otherThreadRecords.set(leaf(1).exp().requiresGrad()));
            t.start();
            t.join();
        }
        assertTrue(otherThreadRecords.get());
    }

    @Test
    void backwardOfAnExistingGraphStillWorksInsideNoGrad() {
        Variable x = leaf(1, 2);
        Variable loss = x.mul(x).sum();
        try (NoGrad g = Variable.noGrad()) {
            loss.backward();
        }
        assertArrayEquals(new float[] {2, 4}, x.grad().toFloatArray());
    }
}
