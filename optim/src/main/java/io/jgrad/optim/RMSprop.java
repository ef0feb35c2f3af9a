package io.jgrad.optim;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.backend.Ops;
import java.util.List;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * RMSprop (Hinton, Coursera lecture 6e; centered variant: Graves, arXiv:1308.0850) as
 * {@code torch.optim.RMSprop} (PyTorch 1.13):
 * <pre>
 * d = g + λ·p;  s ← α·s + (1−α)·d²;  a ← α·a + (1−α)·d (centered);  r = √(s − a²) + ε (centered) or √s + ε;
 * b ← μ·b + d/r, p ← p − lr·b  (momentum μ &gt; 0)   or   p ← p − lr·d/r
 * </pre>
 * Defaults: lr 1e-2, alpha 0.99, eps 1e-8, weight_decay 0 (λ), momentum 0, centered false.
 *
 * <p>In-place calls rather than libnd4j's fused {@code rms_prop_updater}: that op computes
 * 1−α in float32 from float32 α, about 1e-6 relative off PyTorch's, and has neither momentum
 * nor centering.
 */
public final class RMSprop extends BaseOptimizer {
    private RMSprop(List<ParamGroup> groups) {
        super("RMSprop", groups);
    }

    @Override
    protected Set<String> stateBuffers() {
        return Set.of("square_avg", "momentum_buffer", "grad_avg");
    }

    /** A builder over {@code params} (one parameter group). */
    public static Builder builder(Iterable<? extends Variable> params) {
        return new Builder(params);
    }

    @Override
    protected void update(ParamGroup group, INDArray param, INDArray grad, ParamState state) {
        double alpha = group.get("alpha");
        double momentum = group.get("momentum");
        state.step++;
        INDArray squareAvg = state.zeros("square_avg", param);
        INDArray buf = momentum > 0 ? state.zeros("momentum_buffer", param) : null;
        INDArray gradAvg = group.flag("centered") ? state.zeros("grad_avg", param) : null;
        INDArray d = l2(grad, param, group.get("weight_decay"), state);
        Ops.get().rmsprop(param, d, squareAvg, gradAvg, buf, group.lr(), alpha, group.get("eps"), momentum,
                state.scratch(1, param));
    }

    /** Options of {@link RMSprop} with PyTorch's names and defaults. */
    public static final class Builder extends OptimizerBuilder<Builder, RMSprop> {
        Builder(Iterable<? extends Variable> params) {
            super("RMSprop", params, 1e-2);
            alpha(0.99).eps(1e-8).weightDecay(0).momentum(0).centered(false);
        }

        /** Smoothing constant α of the squared-gradient average (default 0.99). */
        public Builder alpha(double alpha) {
            return set("alpha", alpha);
        }

        /** The term added to the denominator (default 1e-8). */
        public Builder eps(double eps) {
            return set("eps", eps);
        }

        /** L2 penalty λ added to the gradient (default 0). */
        public Builder weightDecay(double weightDecay) {
            return set("weight_decay", weightDecay);
        }

        /** Momentum factor μ (default 0). */
        public Builder momentum(double momentum) {
            return set("momentum", momentum);
        }

        /** Normalize by the variance instead of the second moment (default false). */
        public Builder centered(boolean centered) {
            return set("centered", centered);
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
            c.nonNegative("lr", "lr").nonNegative("eps", "eps").nonNegative("momentum", "momentum")
                    .nonNegative("weight_decay", "weightDecay").nonNegative("alpha", "alpha");
        }

        @Override
        protected RMSprop create(List<ParamGroup> groups) {
            return new RMSprop(groups);
        }
    }
}
