package io.jgrad.optim;

import com.fasterxml.jackson.databind.JsonNode;
import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/** Every scheduler's lr sequence (constructor + 30 steps) against PyTorch 1.13. */
class SchedulerGoldenTest {
    private static final double[] LR = {0.1};

    static SGD sgd(double... lrs) {
        SGD.Builder b = SGD.builder(List.of(param())).lr(lrs[0]);
        for (int g = 1; g < lrs.length; g++) {
            double lr = lrs[g];
            b.addGroup(List.of(param()), o -> o.lr(lr));
        }
        return b.build();
    }

    private static Variable param() {
        return Variable.of(Tensor.zeros(1), true);
    }

    /** Runs {@code make} like the generator and compares every group's lr at every step. */
    static void check(String name, double[] lrs, Function<SGD, LRScheduler> make) {
        SGD opt = sgd(lrs);
        LRScheduler s = make.apply(opt);
        List<double[]> seq = new ArrayList<>();
        seq.add(lrs(opt));
        for (int i = 0; i < 30; i++) {
            s.step();
            seq.add(lrs(opt));
        }
        compare(name, seq);
    }

    static double[] lrs(Optimizer opt) {
        double[] out = new double[opt.groupCount()];
        for (int g = 0; g < out.length; g++) {
            out[g] = opt.lr(g);
        }
        return out;
    }

    static void compare(String name, List<double[]> seq) {
        JsonNode expected = Golden.ROOT.get("schedulers").get(name);
        for (int i = 0; i < expected.size(); i++) {
            Golden.assertClose(name + " step " + i, Golden.doubles(expected.get(i)), seq.get(i), 1e-13, 0);
        }
    }

    @Test
    void stepLR() {
        check("step", LR, o -> new StepLR(o, 3, 0.5));
        check("step_groups", new double[] {0.1, 0.02}, o -> new StepLR(o, 4, 0.3));
    }

    @Test
    void multiStepLR() {
        check("multistep", LR, o -> new MultiStepLR(o, new int[] {5, 12, 12, 20}, 0.3));
    }

    @Test
    void exponentialLR() {
        check("exponential", LR, o -> new ExponentialLR(o, 0.9));
    }

    @Test
    void linearLR() {
        check("linear_decay", LR, o -> new LinearLR(o, 1.0, 0.0, 10));
        check("linear_warmup", LR, o -> new LinearLR(o, 1.0 / 3, 1.0, 5));
    }

    @Test
    void cosineAnnealingBeyondTMax() {
        check("cosine", LR, o -> new CosineAnnealingLR(o, 10, 0.001));
        check("cosine_groups", new double[] {0.1, 0.05}, o -> new CosineAnnealingLR(o, 7, 0.0));
    }

    @Test
    void lambdaLR() {
        IntToDoubleFunction f = e -> Math.pow(0.95, e);
        check("lambda", LR, o -> new LambdaLR(o, f));
    }

    @Test
    void sequentialWarmupThenDecay() {
        check("sequential_warmup_cosine", LR, o -> new SequentialLR(o,
                List.of(new LinearLR(o, 0.1, 1.0, 5), new CosineAnnealingLR(o, 20, 0.0)), new int[] {5}));
        check("sequential_three", LR, o -> new SequentialLR(o,
                List.of(new LinearLR(o, 0.25, 1.0, 4), new ExponentialLR(o, 0.9), new StepLR(o, 5, 0.5)), new int[] {4, 15}));
    }

    @Test
    void reduceLROnPlateau() {
        double[] metrics = Golden.doubles(Golden.ROOT.get("plateau_metrics"));
        plateau("plateau_min", LR, metrics, o -> ReduceLROnPlateau.builder(o).factor(0.5).patience(2).threshold(0.01)
                .cooldown(1).minLr(0.01).build());
        double[] negated = metrics.clone();
        for (int i = 0; i < negated.length; i++) {
            negated[i] = -negated[i];
        }
        plateau("plateau_max_abs", LR, negated, o -> ReduceLROnPlateau.builder(o).mode(ReduceLROnPlateau.Mode.MAX)
                .factor(0.1).patience(1).threshold(0.05).thresholdMode(ReduceLROnPlateau.ThresholdMode.ABS).minLr(1e-4).build());
        plateau("plateau_default", new double[] {0.1, 0.05}, metrics, o -> ReduceLROnPlateau.builder(o).build());
    }

    private static void plateau(String name, double[] lrs, double[] metrics, Function<SGD, ReduceLROnPlateau> make) {
        SGD opt = sgd(lrs);
        ReduceLROnPlateau s = make.apply(opt);
        List<double[]> seq = new ArrayList<>();
        seq.add(lrs(opt));
        for (double m : metrics) {
            s.step(m);
            seq.add(lrs(opt));
        }
        compare(name, seq);
    }
}
