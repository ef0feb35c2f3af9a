package io.jgrad.spark;

import java.util.ArrayList;
import java.util.List;

/**
 * The shard simulator: the workers' code run one after another in this JVM, on the same shards
 * as Spark would cache. It needs no cluster, so tests can compare a distributed run's arithmetic
 * with one process training at batch N·B, and Spark runs against it bit for bit.
 */
final class SequentialStepRunner implements StepRunner {
    private final List<Shard> shards = new ArrayList<>();
    private final ModelFactory factory;

    SequentialStepRunner(Deal.Rows rows, int workers, int batchSize, boolean shuffle, long seed, ModelFactory factory) {
        for (int k = 0; k < workers; k++) {
            shards.add(Deal.shard(rows, k, workers, batchSize, shuffle, seed));
        }
        this.factory = factory;
    }

    @Override
    public int workers() {
        return shards.size();
    }

    @Override
    public int smallestShard() {
        return shards.stream().mapToInt(Shard::size).min().orElse(0);
    }

    @Override
    public List<Partial> run(StepTask task) {
        List<Partial> parts = new ArrayList<>();
        for (Shard s : shards) {
            parts.add(ShardStep.compute(s, task, factory));
        }
        return parts;
    }

    @Override
    public void close() {
        shards.clear();
    }
}
