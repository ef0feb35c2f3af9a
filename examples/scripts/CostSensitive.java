// (d) Cost-sensitive training on an imbalanced 3-class set (90% / 8% / 2%): the same network
// trained with and without class weights, compared by per-class recall and by the total cost of
// its mistakes (missing a rare class costs more), with the recalls as a bar chart.
//
//   ./jgrad run examples/scripts/CostSensitive.java [--short]
import io.jgrad.data.Dataset;
import io.jgrad.data.SyntheticClassification;
import io.jgrad.nn.Linear;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.Adam;
import io.jgrad.tensor.Rng;
import io.jgrad.train.Evaluation;
import io.jgrad.train.LossFunction;
import io.jgrad.train.Plot;
import io.jgrad.train.Progress;
import io.jgrad.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

public class CostSensitive {
    /** COST[actual][predicted]: a missed rare class costs the most; a correct answer costs nothing. */
    static final double[][] COST = {{0, 1, 1}, {10, 0, 1}, {50, 5, 0}};

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--short"); // CI's few-second setting
        int epochs = quick ? 3 : 30;
        Path out = Path.of("runs/scripts");

        Dataset all = imbalanced(5000, new double[] {0.90, 0.08, 0.02}, 3);
        Dataset.Split split = all.split(0.7, 3);
        int[] counts = split.first().classCounts();
        // scikit-learn's class_weight="balanced": n / (k · n_c)
        float[] weights = new float[3];
        for (int c = 0; c < 3; c++) {
            weights[c] = (float) split.first().size() / (3 * counts[c]);
        }
        System.out.printf("training examples per class %s, class weights %s%n", Arrays.toString(counts),
                Arrays.toString(weights));

        Evaluation plain = train(split, LossFunction.crossEntropy(), epochs);
        Evaluation weighted = train(split, LossFunction.crossEntropy(weights), epochs);
        System.out.printf("%-16s %9s %9s %9s %9s %11s%n", "", "recall 0", "recall 1", "recall 2", "accuracy", "total cost");
        report("no weights", plain);
        report("class weights", weighted);

        double[] classes = {0, 1, 2};
        Path png = out.resolve("cost-sensitive.png");
        Plot.titled("Per-class recall on the test set").axes("class (90% / 8% / 2% of the data)", "recall")
                .points("no weights", classes, plain.perClassAccuracy())
                .points("class weights", classes, weighted.perClassAccuracy()).write(png);
        System.out.println("wrote " + png);
    }

    /** The same network from the same initial weights, trained with {@code loss}; its test metrics. */
    static Evaluation train(Dataset.Split split, LossFunction loss, int epochs) {
        Rng.manualSeed(3);
        Sequential model = new Sequential(new Linear(10, 32), new ReLU(), new Linear(32, 3));
        Trainer trainer = Trainer.builder().model(model).optimizer(Adam.builder(model.parameters()).lr(1e-3).build())
                .loss(loss).epochs(epochs).batchSize(64).seed(3).progress(Progress.none()).build();
        trainer.fit(split.first());
        return trainer.evaluate(split.second());
    }

    /** Keeps a share {@code shares[c]} of {@code n} examples from each class of a balanced synthetic set. */
    static Dataset imbalanced(int n, double[] shares, long seed) {
        Dataset balanced = SyntheticClassification.builder().samples(3 * n).features(10).informative(4).redundant(2)
                .classes(3).classSep(1.0).seed(seed).build();
        List<Integer> keep = new ArrayList<>();
        int[] wanted = new int[shares.length];
        for (int c = 0; c < shares.length; c++) {
            wanted[c] = (int) Math.round(shares[c] * n);
        }
        for (int i = 0; i < balanced.size(); i++) {
            if (wanted[balanced.label(i)]-- > 0) {
                keep.add(i);
            }
        }
        return balanced.subset(keep.stream().mapToInt(Integer::intValue).toArray());
    }

    static void report(String name, Evaluation e) {
        double[] recall = e.perClassAccuracy();
        long[][] confusion = e.confusionMatrix();
        double cost = 0;
        for (int a = 0; a < 3; a++) {
            for (int p = 0; p < 3; p++) {
                cost += COST[a][p] * confusion[a][p];
            }
        }
        System.out.printf("%-16s %9.3f %9.3f %9.3f %9.3f %11.0f%n", name, recall[0], recall[1], recall[2],
                e.accuracy(), cost);
    }
}
