package io.jgrad.spark;

import java.io.Serializable;

/**
 * What the driver broadcasts for one step: the current weights and where in the run the step
 * falls. Everything a worker does is a function of this and its shard, so a retried task or a
 * sequential simulation computes the very same partial sums.
 *
 * @param epoch        1-based epoch
 * @param stepInEpoch  0-based step within the epoch
 * @param step         0-based step of the whole run (seeds dropout)
 * @param weights      the driver model's full state dict
 * @param batchSize    rows per worker
 * @param shuffle      whether shards reshuffle every epoch
 * @param seed         the run's seed
 * @param classWeights cross-entropy class weights, or null for the plain loss
 */
record StepTask(int epoch, int stepInEpoch, long step, StateSnapshot weights, int batchSize, boolean shuffle,
                long seed, float[] classWeights) implements Serializable {
}
