package io.jgrad.spark;

import java.io.Serializable;

/**
 * One worker's contribution to a step: sums, not means, so the driver can add the workers'
 * parts in partition order and divide once by the global denominator.
 *
 * @param gradSums  per parameter (in {@code namedParameters()} order), the gradient of the
 *                  block's summed loss {@code Σ w[y_i]·l_i}
 * @param lossSum   {@code Σ w[y_i]·l_i} over the block (w = 1 without class weights)
 * @param weightSum {@code Σ w[y_i]} over the block (the row count without class weights)
 * @param count     rows in the block
 * @param correct   rows whose arg-max prediction equals the label
 * @param buffers   worker 0's buffers after its forward pass (BatchNorm running statistics, as
 *                  PyTorch's DDP broadcasts rank 0's), or null from other workers or buffer-less models
 */
record Partial(float[][] gradSums, double lossSum, double weightSum, int count, int correct, StateSnapshot buffers)
        implements Serializable {
}
