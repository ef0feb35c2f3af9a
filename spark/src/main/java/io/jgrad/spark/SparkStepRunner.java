package io.jgrad.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/**
 * The workers on Spark. The training rows are broadcast once; each of the N partitions cuts its
 * shard from them and keeps it cached as plain arrays. Every step is then one small job: the
 * step's weights go out as a broadcast, each partition returns its {@link Partial}, and
 * {@code collect} brings them back in partition order (a {@code reduce} would add them in
 * whatever order tasks finish, and the result would vary from run to run).
 */
final class SparkStepRunner implements StepRunner {
    private final JavaSparkContext sc;
    private final Broadcast<Deal.Rows> data;
    private final JavaRDD<Shard> shards;
    private final ModelFactory factory;
    private final int workers;
    private final int smallest;

    SparkStepRunner(JavaSparkContext sc, Deal.Rows rows, int workers, int batchSize, boolean shuffle, long seed,
                    ModelFactory factory) {
        this.sc = sc;
        this.workers = workers;
        this.factory = factory;
        this.data = sc.broadcast(rows);
        Broadcast<Deal.Rows> bc = data;
        List<Integer> ids = new ArrayList<>();
        for (int k = 0; k < workers; k++) {
            ids.add(k);
        }
        this.shards = sc.parallelize(ids, workers)
                .map(k -> Deal.shard(bc.value(), k, workers, batchSize, shuffle, seed))
                .persist(StorageLevel.MEMORY_ONLY());
        this.smallest = shards.map(Shard::size).reduce(Math::min);
    }

    @Override
    public int workers() {
        return workers;
    }

    @Override
    public int smallestShard() {
        return smallest;
    }

    @Override
    public List<Partial> run(StepTask task) {
        Broadcast<StepTask> bc = sc.broadcast(task);
        try {
            return shards.mapPartitionsWithIndex(new Work(bc, factory), true).collect();
        } finally {
            bc.destroy();
        }
    }

    @Override
    public void close() {
        shards.unpersist(false);
        data.destroy();
    }

    /** The task body: this partition's one shard through {@link ShardStep}. */
    private record Work(Broadcast<StepTask> task, ModelFactory factory)
            implements Function2<Integer, Iterator<Shard>, Iterator<Partial>> {
        @Override
        public Iterator<Partial> call(Integer partition, Iterator<Shard> it) {
            if (!it.hasNext()) {
                throw new IllegalStateException("SparkTrainer: partition " + partition + " holds no shard");
            }
            return Collections.singletonList(ShardStep.compute(it.next(), task.value(), factory)).iterator();
        }
    }
}
