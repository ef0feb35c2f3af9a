package io.jgrad.spark;

import io.jgrad.autograd.Variable;
import io.jgrad.data.Batch;
import io.jgrad.nn.Losses;
import io.jgrad.nn.Module;
import io.jgrad.nn.Parameter;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import io.jgrad.train.Evaluator;
import java.util.List;

/**
 * The worker's half of a step, the same code on an executor and in the sequential simulator:
 * build a replica, load the broadcast weights, run forward and backward on this shard's block of
 * the global batch, and return the gradient and loss as sums (see {@link Partial}).
 *
 * <p>The replica is built afresh every step with the global generator seeded from (run seed,
 * step, partition), so its Dropout layers draw masks that depend on nothing else: a retried
 * task, another executor or the simulator draws the same ones. Building takes the JVM-wide lock
 * below because local-mode tasks share one global generator.
 */
final class ShardStep {
    private static final Object GLOBAL_RNG_LOCK = new Object();

    private ShardStep() {
    }

    static Partial compute(Shard shard, StepTask task, ModelFactory factory) {
        Module replica = replica(factory, Seeds.derive(task.seed(), Seeds.DROPOUT, task.step(), shard.index()));
        replica.loadStateDict(task.weights().toTensors());
        replica.train();
        Batch b = shard.block(task.epoch(), task.stepInEpoch(), task.batchSize(), task.shuffle(), task.seed());
        Variable logits = replica.forward(Variable.constant(b.features()));
        double weightSum = weightSum(b.labels(), task.classWeights());
        Variable mean = task.classWeights() == null ? Losses.crossEntropy(logits, b.labels())
                : Losses.crossEntropy(logits, b.labels(), task.classWeights());
        Variable sum = mean.mul(weightSum);
        double lossSum = sum.item();
        sum.backward();
        List<Parameter> params = replica.parameters();
        float[][] grads = new float[params.size()][];
        for (int i = 0; i < grads.length; i++) {
            Tensor g = params.get(i).grad();
            grads[i] = g == null ? new float[(int) params.get(i).value().size()] : g.toFloatArray();
        }
        StateSnapshot buffers = shard.index() == 0 && !replica.namedBuffers().isEmpty()
                ? StateSnapshot.of(replica.namedBuffers()) : null;
        return new Partial(grads, lossSum, weightSum, b.size(), Evaluator.countCorrect(logits, b.labels()), buffers);
    }

    private static Module replica(ModelFactory factory, long seed) {
        synchronized (GLOBAL_RNG_LOCK) {
            Rng.manualSeed(seed);
            Module m = factory.get();
            if (m == null) {
                throw new IllegalStateException("SparkTrainer: the ModelFactory returned null");
            }
            return m;
        }
    }

    /** {@code Σ w[y_i]}, or the row count without class weights. */
    static double weightSum(int[] labels, float[] classWeights) {
        if (classWeights == null) {
            return labels.length;
        }
        double s = 0;
        for (int y : labels) {
            s += classWeights[y];
        }
        return s;
    }
}
