package io.jgrad.optim;

import static io.jgrad.optim.StateDicts.assertRejected;
import static io.jgrad.optim.StateDicts.assertSameState;
import static io.jgrad.optim.StateDicts.with;
import static io.jgrad.optim.StateDicts.without;

import io.jgrad.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Every loadStateDict of optim (optimizers, epoch schedulers, SequentialLR, ReduceLROnPlateau)
 * rejects a dict with a missing key, a wrong shape, a wrong type (null, a fraction where a count
 * belongs, a vector where a number belongs) or a bad value, names the class and the key, and
 * leaves the object's state exactly as it was; a good dict then loads.
 */
class StateDictLoadTest {
    /** One loadable object seen through its state dict. */
    private record Target(String owner, Supplier<Map<String, Tensor>> state, Consumer<Map<String, Tensor>> load) {
        void rejects(Map<String, Tensor> bad, String key, String... fragments) {
            assertRejected(owner, state, load, bad, key, fragments);
        }

        void loads(Map<String, Tensor> good) {
            load.accept(good);
            assertSameState(good, state.get());
        }
    }

    private static Optimizer adamAfter(Mlp m, int steps, double lr) {
        Optimizer opt = Adam.builder(m.params()).lr(lr).amsgrad(true).build();
        for (int i = 0; i < steps; i++) {
            m.backward(opt);
            opt.step();
        }
        return opt;
    }

    @Test
    void optimizer() {
        Map<String, Tensor> good = adamAfter(new Mlp(), 1, 0.01).stateDict();
        Optimizer adam = adamAfter(new Mlp(), 3, 0.02);
        Target t = new Target("Adam", adam::stateDict, adam::loadStateDict);
        t.rejects(without(good, "param_groups.0.eps"), "param_groups.0.eps", "missing key");
        t.rejects(without(good, "state.1.step"), "state.1.step", "missing key");
        t.rejects(with(good, "state.0.exp_avg", Tensor.zeros(4, 5)), "state.0.exp_avg", "[4, 5]", "[5, 4]");
        t.rejects(with(good, "param_groups.0.params", Tensor.of(new double[] {0, 1, 2}, 3)), "param_groups.0.params",
                "the parameter groups differ");
        t.rejects(with(good, "state.3.max_exp_avg_sq", null), "state.3.max_exp_avg_sq", "maps to null");
        t.rejects(with(good, "state.2.step", Tensor.scalar(1.5)), "state.2.step", "1.5", "whole number");
        t.rejects(with(good, "param_groups.0.lr", Tensor.of(new double[] {0.1, 0.2}, 2)), "param_groups.0.lr",
                "expected one number");
        t.rejects(with(good, "param_groups.0.lr", Tensor.scalar(-1.0)), "param_groups.0", "lr must be a finite number >= 0, got -1.0");
        t.rejects(with(good, "param_groups.0.beta2", Tensor.scalar(Double.NaN)), "param_groups.0.beta2", "NaN");
        t.rejects(with(good, "state.4.step", Tensor.scalar(1.0)), "state.4.step", "unexpected key");
        t.rejects(with(good, "state.0.momentum_buffer", Tensor.zeros(5, 4)), "state.0.momentum_buffer", "Adam keeps");
        t.loads(good);
    }

    @Test
    void epochScheduler() {
        Optimizer a = SGD.builder(new Mlp().params()).lr(0.1).build();
        StepLR source = new StepLR(a, 2, 0.5);
        for (int i = 0; i < 5; i++) {
            source.step();
        }
        Map<String, Tensor> good = source.stateDict();
        StepLR s = new StepLR(SGD.builder(new Mlp().params()).lr(0.3).build(), 2, 0.5);
        s.step();
        Target t = new Target("StepLR", s::stateDict, s::loadStateDict);
        t.rejects(without(good, "last_epoch"), "last_epoch", "missing keys");
        t.rejects(with(good, "extra", Tensor.scalar(1.0)), "extra", "unexpected keys");
        t.rejects(with(good, "base_lrs", Tensor.of(new double[] {0.1, 0.1}, 2)), "base_lrs", "[2]", "expected [1]");
        t.rejects(with(good, "last_epoch", Tensor.scalar(2.5)), "last_epoch", "2.5", "whole number");
        t.rejects(with(good, "last_epoch", null), "last_epoch", "maps to null");
        t.rejects(with(good, "last_lrs", Tensor.of(new double[] {-0.1}, 1)), "last_lrs", "-0.1", "finite number >= 0");
        t.rejects(with(good, "last_epoch", Tensor.scalar(-2.0)), "last_epoch", "-2.0");
        t.loads(good);
    }

    @Test
    void sequentialSchedulerChecksEveryChildBeforeChangingAny() {
        Optimizer a = SGD.builder(new Mlp().params()).lr(0.1).build();
        SequentialLR source = new SequentialLR(a, List.of(new LinearLR(a, 0.5, 1, 3), new ExponentialLR(a, 0.9)), new int[] {3});
        for (int i = 0; i < 6; i++) {
            source.step();
        }
        Map<String, Tensor> good = source.stateDict();
        Optimizer b = SGD.builder(new Mlp().params()).lr(0.2).build();
        SequentialLR s = new SequentialLR(b, List.of(new LinearLR(b, 0.5, 1, 3), new ExponentialLR(b, 0.9)), new int[] {3});
        s.step();
        Target t = new Target("SequentialLR", s::stateDict, s::loadStateDict);
        // child 0 is valid, child 1 is not: child 0 must not have been loaded either
        t.rejects(without(good, "schedulers.1.base_lrs"), "schedulers.1.base_lrs", "missing keys");
        t.rejects(with(good, "schedulers.1.last_epoch", Tensor.scalar(-7.0)), "schedulers.1.last_epoch", "-7.0");
        t.rejects(with(good, "schedulers.1.last_lrs", Tensor.zeros(1, 1)), "schedulers.1.last_lrs", "[1, 1]");
        t.rejects(with(good, "last_lr", Tensor.scalar(Double.POSITIVE_INFINITY)), "last_lr", "Infinity");
        t.rejects(with(good, "last_epoch", Tensor.scalar(0.5)), "last_epoch", "whole number");
        t.rejects(with(good, "schedulers.2.last_epoch", Tensor.scalar(1.0)), "schedulers.2.last_epoch", "unexpected key");
        t.loads(good);
    }

    @Test
    void plateauScheduler() {
        Optimizer a = SGD.builder(new Mlp().params()).lr(0.1).build();
        ReduceLROnPlateau source = ReduceLROnPlateau.builder(a).patience(1).cooldown(2).build();
        for (double m : new double[] {1, 0.5, 0.6, 0.7, 0.8}) {
            source.step(m);
        }
        Map<String, Tensor> good = source.stateDict();
        ReduceLROnPlateau s = ReduceLROnPlateau.builder(SGD.builder(new Mlp().params()).lr(0.1).build()).build();
        s.step(3.0);
        Target t = new Target("ReduceLROnPlateau", s::stateDict, s::loadStateDict);
        t.rejects(without(good, "best"), "best", "missing keys");
        t.rejects(with(good, "best", Tensor.of(new double[] {1, 2}, 2)), "best", "[2]", "expected one number");
        t.rejects(with(good, "num_bad_epochs", Tensor.scalar(1.5)), "num_bad_epochs", "1.5", "whole number");
        t.rejects(with(good, "cooldown_counter", Tensor.scalar(-1.0)), "cooldown_counter", "-1.0");
        t.rejects(with(good, "best", Tensor.scalar(Double.NaN)), "best", "NaN");
        t.rejects(with(good, "patience", Tensor.scalar(3.0)), "patience", "unexpected keys");
        t.loads(good);
    }
}
