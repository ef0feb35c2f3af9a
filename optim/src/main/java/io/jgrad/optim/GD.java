package io.jgrad.optim;

import java.util.List;
import java.util.Set;
import io.jgrad.tensor.backend.Ops;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Full-batch gradient descent: {@code p ← p − lr · g}.
 *
 * <p>The same rule as plain {@link SGD}; the name says how it is meant to be used: one step
 * = one gradient of the loss over the WHOLE data set (accumulate or compute the full-batch
 * gradient, then call {@link #step()} once). The lr is required (no default).
 *
 * <pre>{@code
 * Optimizer gd = GD.builder(model.parameters()).lr(0.1).build();   // full-batch: one step per epoch
 * }</pre>
 */
public final class GD extends BaseOptimizer {
    private GD(List<ParamGroup> groups) {
        super("GD", groups);
    }

    @Override
    protected Set<String> stateBuffers() {
        return Set.of();
    }

    /** A builder over {@code params} (one parameter group). */
    public static Builder builder(Iterable<? extends io.jgrad.autograd.Variable> params) {
        return new Builder(params);
    }

    @Override
    protected boolean countsSteps() {
        return false;
    }

    @Override
    protected void update(ParamGroup group, INDArray param, INDArray grad, ParamState state) {
        Ops.get().axpy(param, -group.lr(), grad, param);
    }

    /** Options of {@link GD}: {@code lr} (required). */
    public static final class Builder extends OptimizerBuilder<Builder, GD> {
        Builder(Iterable<? extends io.jgrad.autograd.Variable> params) {
            super("GD", params, Double.NaN);
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected Builder fresh() {
            return new Builder(List.of());
        }

        @Override
        protected void validate(Check check) {
            check.lr();
        }

        @Override
        protected GD create(List<ParamGroup> groups) {
            return new GD(groups);
        }
    }
}
