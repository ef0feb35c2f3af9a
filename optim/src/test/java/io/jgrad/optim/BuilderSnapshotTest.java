package io.jgrad.optim;

import static io.jgrad.optim.StateDicts.assertSameState;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every builder of optim is snapshotted at build(): calling its setters afterwards changes no
 * option of the object already built (and does change what the builder builds next, so the
 * calls below are real changes).
 */
class BuilderSnapshotTest {
    /** Builds, changes every option through {@code change} (lr to 0.7) and adds a group, then checks the built optimizer kept its options. */
    private static <B extends OptimizerBuilder<B, ?>> void snapshot(Function<List<Variable>, B> builder, Consumer<B> change) {
        Mlp m = new Mlp();
        B b = builder.apply(m.params());
        Optimizer built = b.build();
        Map<String, Tensor> before = built.stateDict();
        change.accept(b);
        b.addGroup(List.of(Variable.of(Tensor.zeros(2), true)), g -> g.lr(0.5));
        assertSameState(before, built.stateDict());
        Map<String, Tensor> rebuilt = b.build().stateDict();
        assertNotEquals(before.get("param_groups.0.lr").getDouble(0), rebuilt.get("param_groups.0.lr").getDouble(0),
                "the builder itself did change");
        assertNotEquals(before.keySet(), rebuilt.keySet(), "the added group is in what the builder builds next");
    }

    @Test
    void optimizersKeepTheirOptions() {
        snapshot(p -> GD.builder(p).lr(0.1), b -> b.lr(0.7));
        snapshot(p -> SGD.builder(p).lr(0.1).momentum(0.9), b -> b.lr(0.7).momentum(0.1).dampening(0.2).nesterov(false).weightDecay(0.3));
        snapshot(p -> Adagrad.builder(p), b -> b.lr(0.7).lrDecay(0.1).weightDecay(0.2).initialAccumulatorValue(0.3).eps(0.4));
        snapshot(p -> RMSprop.builder(p).centered(true), b -> b.lr(0.7).alpha(0.5).eps(0.1).weightDecay(0.2).momentum(0.3).centered(false));
        snapshot(p -> Adam.builder(p), b -> b.lr(0.7).betas(0.5, 0.6).eps(0.1).weightDecay(0.2).amsgrad(true));
        snapshot(p -> AdamW.builder(p), b -> b.lr(0.7).betas(0.5, 0.6).eps(0.1).weightDecay(0.2).amsgrad(true));
    }

    /** The lrs a plateau scheduler sets over a fixed metric sequence. */
    private static double[] lrs(Optimizer opt, ReduceLROnPlateau s) {
        List<Double> out = new ArrayList<>();
        for (double metric : new double[] {1, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}) {
            s.step(metric);
            out.add(opt.lr());
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Test
    void plateauSchedulerKeepsItsOptions() {
        Optimizer twinOpt = SGD.builder(new Mlp().params()).lr(0.1).build();
        double[] expected = lrs(twinOpt, ReduceLROnPlateau.builder(twinOpt).patience(2).factor(0.5).build());

        Optimizer opt = SGD.builder(new Mlp().params()).lr(0.1).build();
        ReduceLROnPlateau.Builder b = ReduceLROnPlateau.builder(opt).patience(2).factor(0.5);
        ReduceLROnPlateau built = b.build();
        b.patience(0).factor(0.01).minLr(0.09).cooldown(3).threshold(0.9).eps(0.5)
                .mode(ReduceLROnPlateau.Mode.MAX).thresholdMode(ReduceLROnPlateau.ThresholdMode.ABS);
        assertArrayEquals(expected, lrs(opt, built));

        Optimizer other = SGD.builder(new Mlp().params()).lr(0.1).build();
        assertNotEquals(expected[2], lrs(other, ReduceLROnPlateau.builder(other).patience(0).factor(0.01).build())[2],
                "the changed options do change a scheduler built from them");
    }
}
