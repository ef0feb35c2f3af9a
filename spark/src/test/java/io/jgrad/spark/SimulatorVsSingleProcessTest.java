package io.jgrad.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.autograd.Variable;
import io.jgrad.data.Batch;
import io.jgrad.data.DataLoader;
import io.jgrad.data.Dataset;
import io.jgrad.nn.Losses;
import io.jgrad.nn.Module;
import io.jgrad.nn.Parameter;
import io.jgrad.optim.Adam;
import io.jgrad.optim.Optimizer;
import io.jgrad.optim.SGD;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Proof (1): the shard simulator (the workers' code run one after another) trains as one plain
 * process at batch N·B, within float32 rounding, after 20 steps with a class-weighted loss.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SimulatorVsSingleProcessTest {
    private static final int STEPS = 20;
    private static final double TOLERANCE = 1e-5;

    @Test
    void adamMatchesOneProcessAtTheGlobalBatch() {
        check(Fixtures.adam(Fixtures.mlp()), p -> Adam.builder(p).lr(1e-2).build());
    }

    @Test
    void sgdWithMomentumMatchesOneProcessAtTheGlobalBatch() {
        check(Fixtures.sgdMomentum(Fixtures.mlp()), p -> SGD.builder(p).lr(0.05).momentum(0.9).build());
    }

    private static void check(SparkTrainer.Builder distributed, Function<List<Parameter>, Optimizer> optimizer) {
        Dataset train = Fixtures.data(STEPS * Fixtures.WORKERS * Fixtures.BATCH);
        Module sharded = distributed.epochs(1).shuffle(false).classWeights(Fixtures.CLASS_WEIGHTS).build()
                .fitSequential(train, null);

        Rng.manualSeed(7);
        Module single = Fixtures.mlp().get();
        Map<String, Tensor> initial = single.stateDict();
        Optimizer opt = optimizer.apply(single.parameters());
        int steps = 0;
        for (Batch b : DataLoader.builder(train).batchSize(Fixtures.WORKERS * Fixtures.BATCH).build()) {
            opt.zeroGrad();
            Variable loss = Losses.crossEntropy(single.forward(Variable.constant(b.features())), b.labels(),
                    Fixtures.CLASS_WEIGHTS);
            loss.backward();
            opt.step();
            steps++;
        }
        assertTrue(steps == STEPS, "one process took " + steps + " steps");

        Map<String, Tensor> want = single.stateDict();
        Map<String, Tensor> got = sharded.stateDict();
        for (String k : want.keySet()) {
            double rel = distance(got.get(k), want.get(k)) / norm(want.get(k));
            assertTrue(rel <= TOLERANCE, k + ": relative difference " + rel + " > " + TOLERANCE);
            double moved = distance(want.get(k), initial.get(k)) / norm(initial.get(k));
            assertTrue(moved > 1e-3, k + " barely moved in training (" + moved + "); the comparison would prove nothing");
        }
    }

    private static double distance(Tensor a, Tensor b) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += ((double) x[i] - y[i]) * ((double) x[i] - y[i]);
        }
        return Math.sqrt(s);
    }

    private static double norm(Tensor a) {
        return distance(a, Tensor.zeros(a.shape()));
    }
}
