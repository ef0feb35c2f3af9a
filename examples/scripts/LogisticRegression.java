// (b) Logistic regression by full-batch gradient descent on a make_classification-like set
// (1,000 examples, 20 features of which 10 informative, 2 classes): the loss every 100
// iterations, then the final accuracy, and the loss curve as a PNG.
//
//   ./jgrad run examples/scripts/LogisticRegression.java [--short]
import io.jgrad.autograd.NoGrad;
import io.jgrad.autograd.Variable;
import io.jgrad.data.Dataset;
import io.jgrad.data.SyntheticClassification;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Losses;
import io.jgrad.optim.GD;
import io.jgrad.optim.Optimizer;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import io.jgrad.train.Plot;
import java.nio.file.Path;
import java.util.Arrays;

public class LogisticRegression {
    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--short"); // CI's few-second setting
        int iterations = quick ? 200 : 1000;
        Path out = Path.of("runs/scripts");

        Dataset all = SyntheticClassification.builder().samples(1000).features(20).informative(10).redundant(0)
                .classes(2).seed(42).build();
        Dataset.Split split = all.split(0.8, 42);                       // train_test_split(test_size=0.2)
        Variable x = Variable.constant(split.first().features());
        Variable y = Variable.constant(asColumn(split.first().labels()));

        Rng.manualSeed(42);
        Linear model = new Linear(20, 1);                              // logits = x·wᵀ + b
        Optimizer gd = GD.builder(model.parameters()).lr(0.1).build();
        double[] step = new double[iterations];
        double[] losses = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            gd.zeroGrad();
            Variable loss = Losses.bceWithLogits(model.forward(x), y);
            loss.backward();
            gd.step();
            step[i] = i + 1;
            losses[i] = loss.item();
            if ((i + 1) % 100 == 0) {
                System.out.printf("iteration %4d  loss %.4f%n", i + 1, losses[i]);
            }
        }
        System.out.printf("train accuracy %.4f%n", accuracy(model, split.first()));
        System.out.printf("test accuracy  %.4f%n", accuracy(model, split.second()));
        Path png = out.resolve("logistic-regression.png");
        Plot.titled("Logistic regression, full-batch GD (lr 0.1)").axes("iteration", "binary cross-entropy")
                .line("training loss", step, losses).write(png);
        System.out.println("wrote " + png);
    }

    /** Labels 0/1 as a float column [N, 1], the shape of the model's one logit. */
    static Tensor asColumn(int[] labels) {
        float[] v = new float[labels.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = labels[i];
        }
        return Tensor.of(v, labels.length, 1);
    }

    /** The share of examples whose logit has the label's sign (probability above 0.5 means class 1). */
    static double accuracy(Linear model, Dataset data) {
        try (NoGrad g = Variable.noGrad()) {
            float[] logits = model.forward(Variable.constant(data.features())).value().toFloatArray();
            int correct = 0;
            for (int i = 0; i < logits.length; i++) {
                correct += (logits[i] > 0 ? 1 : 0) == data.label(i) ? 1 : 0;
            }
            return correct / (double) logits.length;
        }
    }
}
