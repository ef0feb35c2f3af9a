package io.jgrad.optim;

import com.fasterxml.jackson.databind.JsonNode;
import io.jgrad.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * stateDict → loadStateDict into fresh objects mid-run, then the remaining steps still follow
 * PyTorch 1.13's golden trajectories: every optimizer case (losses and final weights) and the
 * schedulers' lr sequences, including SequentialLR and ReduceLROnPlateau.
 */
class StateRoundTripGoldenTest {
    private static final int CUT = 10;

    static Stream<String> optimizerCases() {
        return OptimizerGoldenTest.cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizerCases")
    void optimizerResumedFromItsStateDictMatchesPyTorch(String name) throws Exception {
        JsonNode c = Golden.ROOT.get("optimizers").get(name);
        Mlp mlp = new Mlp();
        Optimizer opt = OptimizerGoldenTest.build(c, mlp);
        JsonNode losses = c.get("losses");
        for (int s = 0; s < losses.size(); s++) {
            if (s == CUT) {
                Map<String, Tensor> weights = mlp.weights();
                Map<String, Tensor> state = opt.stateDict();
                mlp = new Mlp();
                opt = OptimizerGoldenTest.build(c, mlp);
                mlp.load(weights);
                opt.loadStateDict(state);
            }
            double loss = mlp.backward(opt);
            Golden.assertClose(name + " resumed, loss at step " + s, new double[] {losses.get(s).asDouble()}, new double[] {loss}, 1e-5, 1e-6);
            if (c.has("skip_b2")) {
                mlp.b2.clearGrad();
            }
            opt.step();
        }
        for (Map.Entry<String, Tensor> w : mlp.weights().entrySet()) {
            Golden.assertClose(name + " resumed, final " + w.getKey(), Golden.doubles(c.get("final").get(w.getKey())),
                    w.getValue().toDoubleArray(), 1e-5, 1e-6);
        }
    }

    /** A scheduler of any kind, stepped and saved through these. */
    private interface Sched {
        void step(int i);

        Map<String, Tensor> save();

        void load(Map<String, Tensor> state);
    }

    /** Runs 30 steps, moving optimizer and scheduler into fresh ones through their state dicts at {@link #CUT}. */
    private static void resumed(String golden, double[] lrs, Function<SGD, Sched> make) {
        SGD opt = SchedulerGoldenTest.sgd(lrs);
        Sched s = make.apply(opt);
        List<double[]> seq = new ArrayList<>();
        seq.add(SchedulerGoldenTest.lrs(opt));
        int steps = Golden.ROOT.get("schedulers").get(golden).size() - 1;
        for (int i = 0; i < steps; i++) {
            if (i == CUT) {
                Map<String, Tensor> optState = opt.stateDict();
                Map<String, Tensor> schedState = s.save();
                opt = SchedulerGoldenTest.sgd(lrs);
                s = make.apply(opt);
                opt.loadStateDict(optState);
                s.load(schedState);
            }
            s.step(i);
            seq.add(SchedulerGoldenTest.lrs(opt));
        }
        SchedulerGoldenTest.compare(golden, seq);
    }

    private static Sched epochs(LRScheduler s) {
        return new Sched() {
            public void step(int i) {
                s.step();
            }

            public Map<String, Tensor> save() {
                return s.stateDict();
            }

            public void load(Map<String, Tensor> state) {
                s.loadStateDict(state);
            }
        };
    }

    @Test
    void schedulersResumedFromTheirStateDictsMatchPyTorch() {
        resumed("step_groups", new double[] {0.1, 0.02}, o -> epochs(new StepLR(o, 4, 0.3)));
        resumed("cosine", new double[] {0.1}, o -> epochs(new CosineAnnealingLR(o, 10, 0.001)));
        resumed("sequential_three", new double[] {0.1}, o -> epochs(new SequentialLR(o,
                List.of(new LinearLR(o, 0.25, 1.0, 4), new ExponentialLR(o, 0.9), new StepLR(o, 5, 0.5)), new int[] {4, 15})));
        double[] metrics = Golden.doubles(Golden.ROOT.get("plateau_metrics"));
        resumed("plateau_min", new double[] {0.1}, o -> {
            ReduceLROnPlateau p = ReduceLROnPlateau.builder(o).factor(0.5).patience(2).threshold(0.01).cooldown(1).minLr(0.01).build();
            return new Sched() {
                public void step(int i) {
                    p.step(metrics[i]);
                }

                public Map<String, Tensor> save() {
                    return p.stateDict();
                }

                public void load(Map<String, Tensor> state) {
                    p.loadStateDict(state);
                }
            };
        });
    }
}
