package io.jgrad.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A run interrupted at step k, saved (model, optimizer and scheduler state dicts), restored
 * into fresh objects and continued equals the uninterrupted run bit for bit.
 */
class ResumeTest {
    private static final int STEPS = 12;
    private static final int CUT = 5;

    interface Setup {
        LRSchedulerHandle attach(Optimizer opt);
    }

    /** A scheduler seen through its state dict. */
    record LRSchedulerHandle(Runnable step, java.util.function.Supplier<Map<String, Tensor>> save,
                             java.util.function.Consumer<Map<String, Tensor>> load) {
    }

    private static LRSchedulerHandle handle(BaseLRScheduler s) {
        return new LRSchedulerHandle(s::step, s::stateDict, s::loadStateDict);
    }

    private static LRSchedulerHandle handle(SequentialLR s) {
        return new LRSchedulerHandle(s::step, s::stateDict, s::loadStateDict);
    }

    private static double[] run(Function<Mlp, Optimizer> make, Setup sched, boolean interrupt) {
        Mlp mlp = new Mlp();
        Optimizer opt = make.apply(mlp);
        LRSchedulerHandle s = sched.attach(opt);
        for (int i = 0; i < STEPS; i++) {
            if (interrupt && i == CUT) {
                Map<String, Tensor> model = mlp.weights();
                Map<String, Tensor> optState = new LinkedHashMap<>(opt.stateDict());
                Map<String, Tensor> schedState = new LinkedHashMap<>(s.save().get());
                mlp = new Mlp();
                opt = make.apply(mlp);
                s = sched.attach(opt);
                mlp.load(model);
                opt.loadStateDict(optState);
                s.load().accept(schedState);
            }
            mlp.backward(opt);
            opt.step();
            s.step().run();
        }
        double[] out = new double[0];
        for (Tensor t : mlp.weights().values()) {
            double[] w = t.toDoubleArray();
            double[] joined = java.util.Arrays.copyOf(out, out.length + w.length);
            System.arraycopy(w, 0, joined, out.length, w.length);
            out = joined;
        }
        double[] withLr = java.util.Arrays.copyOf(out, out.length + 1);
        withLr[out.length] = opt.lr();
        return withLr;
    }

    private static void assertResumesExactly(Function<Mlp, Optimizer> make, Setup sched) {
        assertArrayEquals(run(make, sched, false), run(make, sched, true));
    }

    @Test
    void adamWithCosine() {
        assertResumesExactly(m -> Adam.builder(m.params()).lr(0.01).amsgrad(true).build(),
                opt -> handle(new CosineAnnealingLR(opt, 7, 0.001)));
    }

    @Test
    void sgdMomentumGroupsWithWarmupThenStep() {
        assertResumesExactly(m -> SGD.builder(List.of(m.w1, m.b1)).lr(0.1).momentum(0.9).nesterov(true)
                        .addGroup(List.of(m.w2, m.b2), g -> g.lr(0.05).weightDecay(0.01)).build(),
                opt -> handle(new SequentialLR(opt, List.of(new LinearLR(opt, 0.2, 1, 3), new StepLR(opt, 2, 0.7)), new int[] {3})));
    }

    @Test
    void rmspropAdagradAdamW() {
        assertResumesExactly(m -> RMSprop.builder(m.params()).centered(true).momentum(0.5).build(),
                opt -> handle(new ExponentialLR(opt, 0.9)));
        assertResumesExactly(m -> Adagrad.builder(m.params()).lrDecay(0.01).build(),
                opt -> handle(new MultiStepLR(opt, new int[] {4, 8}, 0.5)));
        assertResumesExactly(m -> AdamW.builder(m.params()).build(),
                opt -> handle(new LambdaLR(opt, (int e) -> 1.0 / (e + 1))));
    }

    @Test
    void stateDictKeysArePyTorchLike() {
        Mlp mlp = new Mlp();
        Optimizer opt = Adam.builder(mlp.params()).amsgrad(true).build();
        new StepLR(opt, 2, 0.5);
        mlp.backward(opt);
        opt.step();
        Map<String, Tensor> sd = opt.stateDict();
        assertEquals(1.0, sd.get("state.0.step").getDouble(0));
        assertArrayEquals(new long[] {5, 4}, sd.get("state.0.exp_avg").shape());
        assertArrayEquals(new long[] {3}, sd.get("state.3.max_exp_avg_sq").shape());
        assertEquals(1e-3, sd.get("param_groups.0.lr").getDouble(0));
        assertEquals(0.999, sd.get("param_groups.0.beta2").getDouble(0));
        assertEquals(1e-3, sd.get("param_groups.0.initial_lr").getDouble(0));
        assertArrayEquals(new double[] {0, 1, 2, 3}, sd.get("param_groups.0.params").toDoubleArray());
    }
}
