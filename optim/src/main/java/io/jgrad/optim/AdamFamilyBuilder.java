package io.jgrad.optim;

import io.jgrad.autograd.Variable;

/**
 * The options {@link Adam} and {@link AdamW} share, with PyTorch's names and defaults: lr 1e-3,
 * betas (0.9, 0.999), eps 1e-8, amsgrad false; weight_decay defaults differ (0 vs 1e-2).
 * In the state dict the betas are the options {@code beta1} and {@code beta2}.
 */
public abstract class AdamFamilyBuilder<B extends AdamFamilyBuilder<B, O>, O extends Optimizer> extends OptimizerBuilder<B, O> {
    protected AdamFamilyBuilder(String optimizer, Iterable<? extends Variable> params, double weightDecay) {
        super(optimizer, params, 1e-3);
        betas(0.9, 0.999).eps(1e-8).weightDecay(weightDecay).amsgrad(false);
    }

    /** The decay rates of the first and second moment averages. */
    public B betas(double beta1, double beta2) {
        set("beta1", beta1);
        return set("beta2", beta2);
    }

    /** The term added to the denominator for numerical stability. */
    public B eps(double eps) {
        return set("eps", eps);
    }

    /** The weight decay (L2 for Adam, decoupled for AdamW). */
    public B weightDecay(double weightDecay) {
        return set("weight_decay", weightDecay);
    }

    /** Whether to use the AMSGrad variant (the running maximum of the second moment). */
    public B amsgrad(boolean amsgrad) {
        return set("amsgrad", amsgrad);
    }

    @Override
    protected void validate(Check c) {
        c.nonNegative("lr", "lr").nonNegative("eps", "eps").nonNegative("weight_decay", "weightDecay")
                .unitInterval("beta1", "betas[0]").unitInterval("beta2", "betas[1]");
    }
}
