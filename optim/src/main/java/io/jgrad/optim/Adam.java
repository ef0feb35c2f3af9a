package io.jgrad.optim;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.backend.Ops;
import java.util.List;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Adam (Kingma &amp; Ba, 2014, arXiv:1412.6980) as {@code torch.optim.Adam} (PyTorch 1.13):
 * <pre>
 * d = g + λ·p;  m ← β₁·m + (1−β₁)·d;  v ← β₂·v + (1−β₂)·d²;  v̂ = amsgrad ? max(v̂, v) : v;
 * p ← p − (lr / (1−β₁ᵗ)) · m / (√v̂ / √(1−β₂ᵗ) + ε)
 * </pre>
 * Defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0 (λ, an L2 penalty added to the
 * gradient; see {@link AdamW} for the decoupled kind), amsgrad false.
 *
 * <p>The update is the backend's {@link Ops#adam} (on the cpu backend one fused JVM pass for
 * dense float32 parameters without AMSGrad, a few in-place native calls otherwise). Not libnd4j's fused {@code adam_updater}: that
 * op puts ε next to √v (not √v/√(1−β₂ᵗ)) and, in float32, computes 1−β₂ and the bias
 * corrections in float32 (1 − 0.999f is 1.3e-5 off 0.001), so its trajectories drift from
 * PyTorch's.
 */
public final class Adam extends BaseOptimizer {
    private Adam(List<ParamGroup> groups) {
        super("Adam", groups);
    }

    /** The per-parameter buffers of Adam and AdamW. */
    static final Set<String> BUFFERS = Set.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq");

    @Override
    protected Set<String> stateBuffers() {
        return BUFFERS;
    }

    /** A builder over {@code params} (one parameter group). */
    public static Builder builder(Iterable<? extends Variable> params) {
        return new Builder(params);
    }

    @Override
    protected void update(ParamGroup group, INDArray param, INDArray grad, ParamState state) {
        adamStep(group, param, l2(grad, param, group.get("weight_decay"), state), state);
    }

    /** The Adam update from the (possibly decayed) gradient {@code d}; shared with {@link AdamW}. */
    static void adamStep(ParamGroup group, INDArray param, INDArray d, ParamState state) {
        double beta1 = group.get("beta1");
        double beta2 = group.get("beta2");
        long step = ++state.step;
        INDArray m = state.zeros("exp_avg", param);
        INDArray v = state.zeros("exp_avg_sq", param);
        double stepSize = group.lr() / (1 - Math.pow(beta1, step));
        double bias2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        INDArray vMax = group.flag("amsgrad") ? state.zeros("max_exp_avg_sq", param) : null;
        Ops.get().adam(param, d, m, v, vMax, beta1, beta2, group.get("eps"), stepSize, bias2Sqrt,
                state.scratch(1, param));
    }

    /** Options of {@link Adam}; see {@link AdamFamilyBuilder} for the setters. */
    public static final class Builder extends AdamFamilyBuilder<Builder, Adam> {
        Builder(Iterable<? extends Variable> params) {
            super("Adam", params, 0);
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
        protected Adam create(List<ParamGroup> groups) {
            return new Adam(groups);
        }
    }
}
