package io.jgrad.optim;

import java.util.function.DoubleUnaryOperator;
import java.util.function.IntToDoubleFunction;

/**
 * The lr is the base lr times a function of the epoch, as
 * {@code torch.optim.lr_scheduler.LambdaLR}: {@code lr_t = lr₀ · f(t)}.
 */
public final class LambdaLR extends BaseLRScheduler {
    private final IntToDoubleFunction factor;

    public LambdaLR(Optimizer optimizer, IntToDoubleFunction factor) {
        super("LambdaLR", optimizer);
        require(factor != null, "LambdaLR", "factor", null, "a function of the epoch");
        this.factor = factor;
        initialStep();
    }

    /** The same with the epoch passed as a double. */
    public LambdaLR(Optimizer optimizer, DoubleUnaryOperator factor) {
        this(optimizer, factor == null ? null : (IntToDoubleFunction) t -> factor.applyAsDouble(t));
    }

    @Override
    protected double nextLr(int group, double lr) {
        return baseLrs[group] * factor.applyAsDouble(lastEpoch());
    }
}
