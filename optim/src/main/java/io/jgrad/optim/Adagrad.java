package io.jgrad.optim;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.backend.NdArrays;
import io.jgrad.tensor.backend.Ops;
import java.util.List;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Adagrad (Duchi, Hazan &amp; Singer, JMLR 2011) as {@code torch.optim.Adagrad} (PyTorch 1.13):
 * <pre>
 * d = g + λ·p;   s ← s + d²;   p ← p − (lr / (1 + (t−1)·lr_decay)) · d / (√s + ε)
 * </pre>
 * Defaults: lr 1e-2, lr_decay 0, weight_decay 0 (λ), initial_accumulator_value 0 (s at the
 * start), eps 1e-10.
 *
 * <p>The update is the backend's {@link Ops#adagrad} (libnd4j's fused {@code adagrad_updater},
 * whose formula is exactly this one, for ε &gt; 0).
 */
public final class Adagrad extends BaseOptimizer {
    private Adagrad(List<ParamGroup> groups) {
        super("Adagrad", groups);
    }

    @Override
    protected Set<String> stateBuffers() {
        return Set.of("sum");
    }

    /** A builder over {@code params} (one parameter group). */
    public static Builder builder(Iterable<? extends Variable> params) {
        return new Builder(params);
    }

    @Override
    protected void update(ParamGroup group, INDArray param, INDArray grad, ParamState state) {
        long step = ++state.step;
        INDArray sum = state.get("sum");
        if (sum == null) {
            sum = NdArrays.full(param.dataType(), group.get("initial_accumulator_value"), param.shape());
            state.buffers.put("sum", sum);
        }
        INDArray d = l2(grad, param, group.get("weight_decay"), state);
        double clr = group.lr() / (1 + (step - 1) * group.get("lr_decay"));
        double eps = group.get("eps");
        Ops.get().adagrad(param, d, sum, clr, eps, state.scratch(1, param));
    }

    /** Options of {@link Adagrad} with PyTorch's names and defaults. */
    public static final class Builder extends OptimizerBuilder<Builder, Adagrad> {
        Builder(Iterable<? extends Variable> params) {
            super("Adagrad", params, 1e-2);
            lrDecay(0).weightDecay(0).initialAccumulatorValue(0).eps(1e-10);
        }

        /** Decay of the lr with the step count (default 0). */
        public Builder lrDecay(double lrDecay) {
            return set("lr_decay", lrDecay);
        }

        /** L2 penalty λ added to the gradient (default 0). */
        public Builder weightDecay(double weightDecay) {
            return set("weight_decay", weightDecay);
        }

        /** The starting value of the squared-gradient sum (default 0). */
        public Builder initialAccumulatorValue(double value) {
            return set("initial_accumulator_value", value);
        }

        /** The term added to the denominator (default 1e-10). */
        public Builder eps(double eps) {
            return set("eps", eps);
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
            c.nonNegative("lr", "lr").nonNegative("lr_decay", "lrDecay").nonNegative("weight_decay", "weightDecay")
                    .nonNegative("initial_accumulator_value", "initialAccumulatorValue").nonNegative("eps", "eps");
        }

        @Override
        protected Adagrad create(List<ParamGroup> groups) {
            return new Adagrad(groups);
        }
    }
}
