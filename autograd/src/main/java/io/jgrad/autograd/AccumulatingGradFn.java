package io.jgrad.autograd;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The backward half of an op that writes its input gradients straight into the engine's
 * accumulation buffers instead of returning new arrays: e.g. a layer computes
 * {@code dW = gᵀ·x} with one GEMM {@code C = α·A·B + β·C} into the weight's gradient buffer,
 * with no temporary array and no separate add. Register it with
 * {@link Variable#fromAccumulatingOp}.
 *
 * <p>For each input {@code k} that {@link GradSink#requires requires} a gradient, either call
 * {@link GradSink#target(int)} and write {@code target.array = target.beta · target.array + grad_k}
 * (the array has the input's exact shape), or hand a finished gradient to
 * {@link GradSink#add(int, INDArray)} (it may have the broadcast shape, as with {@link GradFn}).
 * Never write into {@code gradOut} or into input values, and keep no reference to
 * {@code gradOut} after returning: the engine may reuse its memory for the next backward.
 * Internal to the engine, like {@link GradSink}.
 */
@FunctionalInterface
interface AccumulatingGradFn {
    void backward(INDArray gradOut, GradSink sink);
}
