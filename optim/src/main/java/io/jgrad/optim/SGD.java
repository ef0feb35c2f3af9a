package io.jgrad.optim;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.backend.Ops;
import java.util.List;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Stochastic gradient descent with momentum, as {@code torch.optim.SGD} (PyTorch 1.13):
 * <pre>
 * d = g + λ·p;   b ← μ·b + (1 − τ)·d  (b = d at the first step);   d = nesterov ? d + μ·b : b;   p ← p − lr·d
 * </pre>
 * with λ = weight_decay, μ = momentum, τ = dampening. The lr is required, as in PyTorch; defaults:
 * momentum 0, dampening 0, nesterov false,
 * weight_decay 0. Nesterov needs momentum &gt; 0 and dampening 0.
 */
public final class SGD extends BaseOptimizer {
    private SGD(List<ParamGroup> groups) {
        super("SGD", groups);
    }

    @Override
    protected Set<String> stateBuffers() {
        return Set.of("momentum_buffer");
    }

    /** A builder over {@code params} (one parameter group). */
    public static Builder builder(Iterable<? extends Variable> params) {
        return new Builder(params);
    }

    @Override
    protected boolean countsSteps() {
        return false;
    }

    @Override
    protected void update(ParamGroup group, INDArray param, INDArray grad, ParamState state) {
        Ops ops = Ops.get();
        double momentum = group.get("momentum");
        INDArray existing = state.get("momentum_buffer");
        if (momentum != 0 && existing != null) {
            ops.sgdMomentum(param, grad, existing, group.lr(), momentum, group.get("dampening"),
                    group.flag("nesterov"), group.get("weight_decay"), state.scratch(0, param));
            return;
        }
        INDArray d = l2(grad, param, group.get("weight_decay"), state);
        if (momentum != 0) {                        // the first step: the buffer starts as d
            INDArray buf = copyOf(d);
            state.buffers.put("momentum_buffer", buf);
            d = group.flag("nesterov") ? ops.axpy(d, momentum, buf, state.scratch(0, param)) : buf;
        }
        ops.axpy(param, -group.lr(), d, param);
    }

    /** Options of {@link SGD} with PyTorch's names and defaults. */
    public static final class Builder extends OptimizerBuilder<Builder, SGD> {
        Builder(Iterable<? extends Variable> params) {
            super("SGD", params, Double.NaN);
            momentum(0).dampening(0).nesterov(false).weightDecay(0);
        }

        /** Momentum factor μ (default 0). */
        public Builder momentum(double momentum) {
            return set("momentum", momentum);
        }

        /** Dampening τ of the momentum (default 0). */
        public Builder dampening(double dampening) {
            return set("dampening", dampening);
        }

        /** Nesterov momentum (default false). */
        public Builder nesterov(boolean nesterov) {
            return set("nesterov", nesterov);
        }

        /** L2 penalty λ added to the gradient (default 0). */
        public Builder weightDecay(double weightDecay) {
            return set("weight_decay", weightDecay);
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
        protected void validate(Check c) {
            c.lr().nonNegative("momentum", "momentum").nonNegative("weight_decay", "weightDecay");
            c.finite("dampening", "dampening");
            if (c.get("nesterov") != 0) {
                c.require(c.get("momentum") > 0, "momentum", c.get("momentum"), "> 0 for nesterov");
                c.require(c.get("dampening") == 0, "dampening", c.get("dampening"), "0 for nesterov");
            }
        }

        @Override
        protected SGD create(List<ParamGroup> groups) {
            return new SGD(groups);
        }
    }
}
