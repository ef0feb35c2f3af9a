// (c) A Keras-style binary classifier: Dense(128, relu) → Dense(1), binary cross-entropy,
// Adam 1e-3, 100 epochs, batch 32, validation split 0.2, then the test accuracy.
// Keras:  model.fit(x_train, y_train, epochs=100, batch_size=32, validation_split=0.2)
//
//   ./jgrad run examples/scripts/BinaryMlp.java [--short]
import io.jgrad.data.Dataset;
import io.jgrad.data.SyntheticClassification;
import io.jgrad.nn.Linear;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.Adam;
import io.jgrad.tensor.Rng;
import io.jgrad.train.Evaluation;
import io.jgrad.train.History;
import io.jgrad.train.LossFunction;
import io.jgrad.train.Progress;
import io.jgrad.train.Trainer;
import java.nio.file.Path;
import java.util.Arrays;

public class BinaryMlp {
    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--short"); // CI's few-second setting
        int epochs = quick ? 5 : 100;
        Path out = Path.of("runs/scripts");

        Dataset all = SyntheticClassification.builder().samples(1000).features(20).informative(10).redundant(5)
                .classes(2).seed(7).build();
        Dataset.Split split = all.split(0.8, 7);                        // 800 to fit, 200 to test

        Rng.manualSeed(7);
        Sequential model = new Sequential(new Linear(20, 128), new ReLU(), new Linear(128, 1));
        Trainer trainer = Trainer.builder()
                .model(model).optimizer(Adam.builder(model.parameters()).lr(1e-3).build())
                .loss(LossFunction.bceWithLogits())                     // one logit: thresholded accuracy
                .epochs(epochs).batchSize(32).validationSplit(0.2).seed(7).progress(Progress.epochs())
                .build();
        History history = trainer.fit(split.first());                   // 640 train, the last 160 validate
        Evaluation test = trainer.evaluate(split.second());
        System.out.printf("Test loss: %.4f%nTest accuracy: %.4f%n", test.loss(), test.accuracy());
        Path png = out.resolve("binary-mlp.png");
        history.writeChart(png);
        System.out.println("wrote " + png);
    }
}
