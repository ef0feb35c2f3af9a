package io.jgrad.spark;

import io.jgrad.autograd.Variable;
import io.jgrad.nn.Parameter;
import io.jgrad.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * The driver's half of a step: adds the workers' partial sums in partition order (in double, so
 * the order is the only rounding choice and it never varies), divides by the global
 * denominator ({@code Σ w[y_i]} over the whole global batch) and hands the mean gradient to the
 * driver's parameters, where the ordinary optimizer, clipping and scheduler take over.
 *
 * @param grads   the mean gradient per parameter
 * @param loss    the global batch's mean loss
 * @param count   rows in the global batch
 * @param correct rows predicted right (running training accuracy)
 * @param buffers worker 0's buffers, or null
 */
record GlobalGradient(float[][] grads, double loss, int count, int correct, StateSnapshot buffers) {
    /** Sums {@code parts} in list (partition) order. */
    static GlobalGradient merge(List<Partial> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("GlobalGradient.merge: no partial results (zero workers)");
        }
        float[][] first = parts.get(0).gradSums();
        double[][] sums = new double[first.length][];
        for (int i = 0; i < first.length; i++) {
            sums[i] = new double[first[i].length];
        }
        double lossSum = 0;
        double weightSum = 0;
        int count = 0;
        int correct = 0;
        for (int k = 0; k < parts.size(); k++) {
            Partial p = parts.get(k);
            if (p.gradSums().length != sums.length) {
                throw new IllegalStateException("GlobalGradient.merge: worker " + k + " sent " + p.gradSums().length
                        + " gradients but worker 0 sent " + sums.length + " (does the ModelFactory build one architecture?)");
            }
            for (int i = 0; i < sums.length; i++) {
                float[] g = p.gradSums()[i];
                double[] s = sums[i];
                for (int j = 0; j < s.length; j++) {
                    s[j] += g[j];
                }
            }
            lossSum += p.lossSum();
            weightSum += p.weightSum();
            count += p.count();
            correct += p.correct();
        }
        float[][] mean = new float[sums.length][];
        for (int i = 0; i < sums.length; i++) {
            mean[i] = new float[sums[i].length];
            for (int j = 0; j < mean[i].length; j++) {
                mean[i][j] = (float) (sums[i][j] / weightSum);
            }
        }
        return new GlobalGradient(mean, lossSum / weightSum, count, correct, parts.get(0).buffers());
    }

    /**
     * Makes {@link #grads} the gradient of {@code params} through the public autograd API: the
     * backward pass of {@code Σ_p sum(p ⊙ g_p)} writes exactly {@code g_p} (1·g is exact) into
     * each freshly zeroed gradient, allocating it on the first step.
     */
    void applyTo(List<Parameter> params) {
        if (params.size() != grads.length) {
            throw new IllegalStateException("GlobalGradient.applyTo: the driver model has " + params.size()
                    + " parameters but the workers sent " + grads.length);
        }
        Variable total = null;
        for (int i = 0; i < grads.length; i++) {
            Parameter p = params.get(i);
            if (p.value().size() != grads[i].length) {
                throw new IllegalStateException("GlobalGradient.applyTo: parameter " + i + " has shape "
                        + Arrays.toString(p.shape()) + " but its gradient has " + grads[i].length + " values");
            }
            p.zeroGrad();
            Variable term = p.mul(Variable.constant(Tensor.of(grads[i], p.shape()))).sum();
            total = total == null ? term : total.add(term);
        }
        if (total != null) {
            total.backward();
        }
    }
}
