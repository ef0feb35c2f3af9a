package io.jgrad.optim;

import io.jgrad.autograd.Variable;
import java.util.List;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter, arXiv:1711.05101) as
 * {@code torch.optim.AdamW} (PyTorch 1.13): first {@code p ← p·(1 − lr·λ)}, then the
 * {@link Adam} update from the raw gradient. Defaults as Adam's except weight_decay 1e-2.
 *
 * <pre>{@code
 * Optimizer opt = AdamW.builder(model.parameters()).lr(1e-3).weightDecay(0.01).build();
 * }</pre>
 */
public final class AdamW extends BaseOptimizer {
    private AdamW(List<ParamGroup> groups) {
        super("AdamW", groups);
    }

    @Override
    protected Set<String> stateBuffers() {
        return Adam.BUFFERS;
    }

    /** A builder over {@code params} (one parameter group). */
    public static Builder builder(Iterable<? extends Variable> params) {
        return new Builder(params);
    }

    @Override
    protected void update(ParamGroup group, INDArray param, INDArray grad, ParamState state) {
        double decay = group.lr() * group.get("weight_decay");
        if (decay != 0) {
            param.muli(1 - decay);
        }
        Adam.adamStep(group, param, grad, state);
    }

    /** Options of {@link AdamW}; see {@link AdamFamilyBuilder} for the setters. */
    public static final class Builder extends AdamFamilyBuilder<Builder, AdamW> {
        Builder(Iterable<? extends Variable> params) {
            super("AdamW", params, 1e-2);
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
        protected AdamW create(List<ParamGroup> groups) {
            return new AdamW(groups);
        }
    }
}
