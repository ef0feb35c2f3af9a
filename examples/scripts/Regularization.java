// (f) L1 vs L2 vs no penalty on the weights: the same network from the same initial weights on a
// set where only 5 of 50 features carry signal; test accuracy and the share of near-zero weights
// (|w| < 0.01) for each, and the first layer's weight magnitudes plotted.
//
//   ./jgrad run examples/scripts/Regularization.java [--short]
import io.jgrad.autograd.Variable;
import io.jgrad.data.Dataset;
import io.jgrad.data.SyntheticClassification;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Losses;
import io.jgrad.nn.Parameter;
import io.jgrad.nn.Penalties;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.Adam;
import io.jgrad.tensor.Rng;
import io.jgrad.train.LossFunction;
import io.jgrad.train.Plot;
import io.jgrad.train.Progress;
import io.jgrad.train.Trainer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

public class Regularization {
    static final double NEAR_ZERO = 0.01;

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--short"); // CI's few-second setting
        int epochs = quick ? 3 : 40;
        Path out = Path.of("runs/scripts");

        Dataset.Split data = SyntheticClassification.builder().samples(1000).features(50).informative(5).redundant(0)
                .classes(2).seed(9).build().split(0.6, 9);
        List<String> names = List.of("none", "L1 (1e-3)", "L2 (1e-3)");
        List<Function<List<Parameter>, Variable>> penalties = List.of(
                w -> null,
                w -> Penalties.l1(w, 1e-3),
                w -> Penalties.l2(w, 1e-3));
        Plot magnitudes = Plot.titled("First-layer |w|, sorted").axes("weight (sorted)", "|w|").logY(true);
        System.out.printf("%-10s %14s %22s%n", "penalty", "test accuracy", "weights with |w| < " + NEAR_ZERO);
        for (int k = 0; k < names.size(); k++) {
            Rng.manualSeed(9);
            Sequential model = new Sequential(new Linear(50, 32), new ReLU(), new Linear(32, 2));
            List<Parameter> weights = model.namedParameters().entrySet().stream()
                    .filter(e -> e.getKey().endsWith("weight")).map(e -> e.getValue()).toList(); // no bias penalty
            Function<List<Parameter>, Variable> penalty = penalties.get(k);
            LossFunction loss = (logits, y) -> {
                Variable ce = Losses.crossEntropy(logits, y);
                Variable p = penalty.apply(weights);
                return p == null ? ce : ce.add(p);
            };
            Trainer trainer = Trainer.builder().model(model).optimizer(Adam.builder(model.parameters()).lr(1e-2).build())
                    .loss(loss).epochs(epochs).batchSize(32).seed(9).progress(Progress.none()).build();
            trainer.fit(data.first());
            double accuracy = trainer.evaluate(data.second()).accuracy();
            float[] all = weights.stream().map(w -> w.value().toFloatArray()).reduce(new float[0], Regularization::concat);
            long small = 0;
            for (float w : all) {
                small += Math.abs(w) < NEAR_ZERO ? 1 : 0;
            }
            System.out.printf("%-10s %13.2f%% %21.1f%%%n", names.get(k), 100 * accuracy, 100.0 * small / all.length);
            double[] first = sortedMagnitudes(weights.get(0).value().toFloatArray());
            double[] index = new double[first.length];
            Arrays.setAll(index, i -> i);
            magnitudes.line(names.get(k), index, first);
        }
        Path png = out.resolve("regularization.png");
        magnitudes.write(png);
        System.out.println("wrote " + png);
    }

    static double[] sortedMagnitudes(float[] w) {
        double[] m = new double[w.length];
        Arrays.setAll(m, i -> Math.abs(w[i]));
        Arrays.sort(m);
        return m;
    }

    static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
