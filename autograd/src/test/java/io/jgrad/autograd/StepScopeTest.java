package io.jgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jgrad.tensor.StepScope;
import io.jgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Training steps inside {@link StepScope}s compute exactly what they compute without one. */
class StepScopeTest {
    private static final float[] W1 = {0.5f, -1, 2, 0.25f, -3, 1};
    private static final float[] W2 = {1, -2, 0.5f, 3, -1, 2};
    private static final float[] X = {1, 2, 3, -1, 0.5f, 2};

    /** Three plain SGD steps on sum(relu(x·w1)·w2); returns the final parameters. */
    private static float[][] train(boolean scoped) {
        Variable w1 = Variable.of(Tensor.of(W1, 3, 2), true);
        Variable w2 = Variable.of(Tensor.of(W2, 2, 3), true);
        Variable x = Variable.constant(Tensor.of(X, 2, 3));
        for (int step = 0; step < 3; step++) {
            w1.zeroGrad();
            w2.zeroGrad();
            StepScope s = scoped ? StepScope.open() : null;
            try {
                x.matmul(w1).relu().matmul(w2).sum().backward();
                w1.value().array().subi(w1.grad().array().mul(0.1));
                w2.value().array().subi(w2.grad().array().mul(0.1));
            } finally {
                if (s != null) {
                    s.close();
                }
            }
        }
        return new float[][] {w1.value().toFloatArray(), w2.value().toFloatArray(), w1.grad().toFloatArray()};
    }

    @Test
    void scopedStepsGiveTheSameParametersAndGradients() {
        float[][] plain = train(false);
        float[][] scoped = train(true);
        for (int i = 0; i < plain.length; i++) {
            assertArrayEquals(plain[i], scoped[i], 0f);
        }
    }

    @Test
    void anOpResultUsedAfterItsScopeThrows() {
        Variable w = Variable.of(Tensor.of(W1, 3, 2), true);
        Variable x = Variable.constant(Tensor.of(X, 2, 3));
        Variable h;
        try (StepScope s = StepScope.open()) {
            h = x.matmul(w).relu();
        }
        Variable dead = h;
        assertThrows(IllegalStateException.class, () -> dead.value().toFloatArray());
    }
}
