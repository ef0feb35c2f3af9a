package io.jgrad.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jgrad.autograd.Variable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;
import java.util.function.IntFunction;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every numeric option of every optimizer and scheduler rejects NaN, a negative value and (where
 * it has a range) a value out of range the same way: an {@link IllegalArgumentException}
 * {@code "<Name>: <option> must be <rule>, got <value>"} (issue 21: {@code SGD.lr(NaN)} used to
 * claim the lr had not been set).
 */
class EveryOptionValidationTest {
    private static final String FINITE = "a finite number >= 0";
    private final List<Variable> p = new Mlp().params();
    private final List<DynamicTest> tests = new ArrayList<>();

    private Optimizer sgd() {
        return SGD.builder(p).lr(0.1).build();
    }

    /** {@code make} called with each bad value must fail naming {@code name}, {@code rule} and the value. */
    private void rejects(String owner, String option, String rule, DoubleFunction<?> make, double... bad) {
        for (double v : bad) {
            tests.add(DynamicTest.dynamicTest(owner + "." + option + "(" + v + ")", () -> {
                String msg = assertThrows(IllegalArgumentException.class, () -> make.apply(v)).getMessage();
                assertEquals(owner + ": " + option + " must be " + rule + ", got " + v, msg);
            }));
        }
    }

    /** The same for an integer option. */
    private void rejectsInt(String owner, String option, String rule, IntFunction<?> make, int... bad) {
        for (int v : bad) {
            tests.add(DynamicTest.dynamicTest(owner + "." + option + "(" + v + ")", () -> {
                String msg = assertThrows(IllegalArgumentException.class, () -> make.apply(v)).getMessage();
                assertEquals(owner + ": " + option + " must be " + rule + ", got " + v, msg);
            }));
        }
    }

    private void nonNegative(String owner, String option, DoubleFunction<?> make) {
        rejects(owner, option, FINITE, make, Double.NaN, -1e-3, Double.POSITIVE_INFINITY);
    }

    @TestFactory
    List<DynamicTest> optimizers() {
        nonNegative("SGD", "lr", v -> SGD.builder(p).lr(v).build());
        nonNegative("SGD", "momentum", v -> SGD.builder(p).lr(0.1).momentum(v).build());
        nonNegative("SGD", "weightDecay", v -> SGD.builder(p).lr(0.1).weightDecay(v).build());
        rejects("SGD", "dampening", "a finite number", v -> SGD.builder(p).lr(0.1).dampening(v).build(),
                Double.NaN, Double.NEGATIVE_INFINITY);
        nonNegative("GD", "lr", v -> GD.builder(p).lr(v).build());
        nonNegative("Adagrad", "lr", v -> Adagrad.builder(p).lr(v).build());
        nonNegative("Adagrad", "lrDecay", v -> Adagrad.builder(p).lrDecay(v).build());
        nonNegative("Adagrad", "weightDecay", v -> Adagrad.builder(p).weightDecay(v).build());
        nonNegative("Adagrad", "initialAccumulatorValue", v -> Adagrad.builder(p).initialAccumulatorValue(v).build());
        nonNegative("Adagrad", "eps", v -> Adagrad.builder(p).eps(v).build());
        nonNegative("RMSprop", "lr", v -> RMSprop.builder(p).lr(v).build());
        nonNegative("RMSprop", "alpha", v -> RMSprop.builder(p).alpha(v).build());
        nonNegative("RMSprop", "eps", v -> RMSprop.builder(p).eps(v).build());
        nonNegative("RMSprop", "weightDecay", v -> RMSprop.builder(p).weightDecay(v).build());
        nonNegative("RMSprop", "momentum", v -> RMSprop.builder(p).momentum(v).build());
        for (String name : List.of("Adam", "AdamW")) {
            DoubleFunction<AdamFamilyBuilder<?, ?>> b = v -> name.equals("Adam") ? Adam.builder(p) : AdamW.builder(p);
            nonNegative(name, "lr", v -> b.apply(v).lr(v).build());
            nonNegative(name, "eps", v -> b.apply(v).eps(v).build());
            nonNegative(name, "weightDecay", v -> b.apply(v).weightDecay(v).build());
            rejects(name, "betas[0]", "in [0, 1)", v -> b.apply(v).betas(v, 0.999).build(), Double.NaN, -0.1, 1.0);
            rejects(name, "betas[1]", "in [0, 1)", v -> b.apply(v).betas(0.9, v).build(), Double.NaN, -0.1, 1.5);
        }
        rejects("setLr", "lr", FINITE, v -> {
            sgd().setLr(v);
            return null;
        }, Double.NaN, -1, Double.POSITIVE_INFINITY);
        rejects("clipGradNorm", "maxNorm", FINITE, v -> Clipping.clipGradNorm(p, v, 2), Double.NaN, -1, Double.POSITIVE_INFINITY);
        rejects("clipGradNorm", "normType", "> 0 or infinity", v -> Clipping.clipGradNorm(p, 1, v), Double.NaN, 0, -2);
        rejects("clipGradValue", "clipValue", ">= 0", v -> {
            Clipping.clipGradValue(p, v);
            return null;
        }, Double.NaN, -1);
        return tests;
    }

    @TestFactory
    List<DynamicTest> schedulers() {
        nonNegative("StepLR", "gamma", v -> new StepLR(sgd(), 2, v));
        rejectsInt("StepLR", "stepSize", "> 0", v -> new StepLR(sgd(), v, 0.5), 0, -1);
        nonNegative("MultiStepLR", "gamma", v -> new MultiStepLR(sgd(), new int[] {2}, v));
        nonNegative("ExponentialLR", "gamma", v -> new ExponentialLR(sgd(), v));
        nonNegative("CosineAnnealingLR", "etaMin", v -> new CosineAnnealingLR(sgd(), 10, v));
        rejectsInt("CosineAnnealingLR", "tMax", "> 0", v -> new CosineAnnealingLR(sgd(), v, 0), 0, -1);
        rejects("LinearLR", "startFactor", "in (0, 1]", v -> new LinearLR(sgd(), v, 1, 5), Double.NaN, 0, -0.5, 1.5);
        rejects("LinearLR", "endFactor", "in [0, 1]", v -> new LinearLR(sgd(), 0.5, v, 5), Double.NaN, -0.5, 1.5);
        rejectsInt("LinearLR", "totalIters", "> 0", v -> new LinearLR(sgd(), 0.5, 1, v), 0, -3);
        String r = "ReduceLROnPlateau";
        rejects(r, "factor", "in [0, 1)", v -> ReduceLROnPlateau.builder(sgd()).factor(v).build(), Double.NaN, -0.1, 1);
        nonNegative(r, "threshold", v -> ReduceLROnPlateau.builder(sgd()).threshold(v).build());
        nonNegative(r, "minLr", v -> ReduceLROnPlateau.builder(sgd()).minLr(v).build());
        nonNegative(r, "eps", v -> ReduceLROnPlateau.builder(sgd()).eps(v).build());
        rejectsInt(r, "patience", ">= 0", v -> ReduceLROnPlateau.builder(sgd()).patience(v).build(), -1);
        rejectsInt(r, "cooldown", ">= 0", v -> ReduceLROnPlateau.builder(sgd()).cooldown(v).build(), -1);
        return tests;
    }
}
