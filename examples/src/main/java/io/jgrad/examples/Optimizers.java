package io.jgrad.examples;

import io.jgrad.nn.Parameter;
import io.jgrad.optim.Adagrad;
import io.jgrad.optim.Adam;
import io.jgrad.optim.AdamW;
import io.jgrad.optim.GD;
import io.jgrad.optim.Optimizer;
import io.jgrad.optim.RMSprop;
import io.jgrad.optim.SGD;
import java.util.List;

/** Builds the optimizer named on the command line, with each one's customary learning rate. */
final class Optimizers {
    private Optimizers() {
    }

    /** The learning rate used when {@code --lr} is not given. */
    static double defaultLr(TrainOptions.OptimizerName name) {
        return switch (name) {
            case gd -> 0.1;
            case sgd -> 0.01;
            case adagrad -> 0.01;
            case rmsprop, adam, adamw -> 1e-3;
        };
    }

    static Optimizer create(TrainOptions o, List<Parameter> params) {
        double lr = o.lr != null ? o.lr : defaultLr(o.optimizer);
        Double wd = o.weightDecay;
        return switch (o.optimizer) {
            case gd -> {
                if (wd != null && wd != 0) {
                    throw new IllegalArgumentException("--weight-decay is not supported by gd (plain gradient descent); "
                            + "use sgd or adamw");
                }
                yield GD.builder(params).lr(lr).build();
            }
            case sgd -> SGD.builder(params).lr(lr).momentum(o.momentum).weightDecay(wd == null ? 0 : wd).build();
            case adagrad -> Adagrad.builder(params).lr(lr).weightDecay(wd == null ? 0 : wd).build();
            case rmsprop -> RMSprop.builder(params).lr(lr).weightDecay(wd == null ? 0 : wd).build();
            case adam -> Adam.builder(params).lr(lr).weightDecay(wd == null ? 0 : wd).build();
            case adamw -> wd == null ? AdamW.builder(params).lr(lr).build()
                    : AdamW.builder(params).lr(lr).weightDecay(wd).build();
        };
    }
}
