package io.jgrad.nn.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.autograd.AnomalyMode;
import io.jgrad.autograd.NoGrad;
import io.jgrad.autograd.Variable;
import io.jgrad.nn.BatchNorm1d;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Losses;
import io.jgrad.nn.Module;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * One model in evaluation mode serves several threads at once: forward under noGrad reads the
 * parameters and buffers and writes only fresh arrays, so every thread gets exactly the outputs a
 * single thread gets, and the model's state is untouched. The engine's switches (noGrad, anomaly
 * mode) are per thread.
 */
class ConcurrentInferenceTest {
    private static final int THREADS = 4;
    private static final int ROUNDS = 50;

    private static Module trainedModel() {
        Rng.manualSeed(3);
        Sequential m = new Sequential(new Linear(12, 32), new BatchNorm1d(32), new ReLU(), new Dropout(0.3), new Linear(32, 5));
        // a few training-mode passes give BatchNorm non-trivial running statistics
        for (int i = 0; i < 3; i++) {
            Losses.crossEntropy(m.forward(Variable.constant(Tensor.randn(new Rng(10 + i), 8, 12))), new int[] {0, 1, 2, 3, 4, 0, 1, 2})
                    .backward();
        }
        m.eval();
        return m;
    }

    private static float[] infer(Module m, Tensor x) {
        try (NoGrad g = Variable.noGrad()) {
            return m.forward(Variable.constant(x)).value().toFloatArray();
        }
    }

    @Test
    void evalForwardFromSeveralThreadsEqualsSingleThreaded() throws Exception {
        Module model = trainedModel();
        Map<String, Tensor> stateBefore = model.stateDict();
        List<Tensor> inputs = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Tensor x = Tensor.randn(new Rng(100 + i), 1 + 7 * i, 12);
            inputs.add(x);
            expected.add(infer(model, x));
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int offset = t;
                Callable<Integer> work = () -> {
                    start.await();
                    int checked = 0;
                    for (int r = 0; r < ROUNDS; r++) {
                        int k = (r + offset) % inputs.size();
                        assertArrayEquals(expected.get(k), infer(model, inputs.get(k)), "input " + k + " on thread " + offset);
                        checked++;
                    }
                    return checked;
                };
                results.add(pool.submit(work));
            }
            start.countDown();
            for (Future<Integer> f : results) {
                assertEquals(ROUNDS, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, Tensor> stateAfter = model.stateDict();
        for (Map.Entry<String, Tensor> e : stateBefore.entrySet()) {
            assertArrayEquals(e.getValue().toDoubleArray(), stateAfter.get(e.getKey()).toDoubleArray(), e.getKey());
        }
    }

    @Test
    @SuppressWarnings("try")
    void noGradAndAnomalyScopesOfOneThreadDoNotReachAnother() throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (NoGrad g = Variable.noGrad(); AnomalyMode a = AnomalyMode.enable()) {
            boolean[] seen = other.submit(() -> new boolean[] {Variable.isGradEnabled(), AnomalyMode.isEnabled()}).get();
            assertTrue(seen[0], "noGrad on this thread must not stop another thread's recording");
            assertFalse(seen[1], "anomaly mode on this thread must not be on in another");
            assertFalse(Variable.isGradEnabled());
        } finally {
            other.shutdownNow();
        }
    }
}
