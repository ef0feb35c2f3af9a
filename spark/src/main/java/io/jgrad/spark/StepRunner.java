package io.jgrad.spark;

import java.util.List;

/**
 * Runs the workers' half of one step and returns their partial sums in partition order: on
 * Spark ({@link SparkStepRunner}) or one after another in this JVM ({@link SequentialStepRunner},
 * the shard simulator the equivalence tests compare against).
 */
interface StepRunner extends AutoCloseable {
    /** Number of workers N. */
    int workers();

    /** Rows in the smallest shard, which bounds the steps per epoch. */
    int smallestShard();

    /** Every worker's {@link Partial} for {@code task}, worker 0 first. */
    List<Partial> run(StepTask task);

    /** Releases cached data (no checked exception). */
    @Override
    void close();
}
