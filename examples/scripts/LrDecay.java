// (e) Linear, exponential and step learning-rate decay side by side on one model: the same
// network from the same initial weights, trained with SGD under each schedule; the lr and the
// training loss per epoch are printed and plotted.
//
//   ./jgrad run examples/scripts/LrDecay.java [--short]
import io.jgrad.data.Dataset;
import io.jgrad.data.SyntheticClassification;
import io.jgrad.nn.Linear;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.ExponentialLR;
import io.jgrad.optim.LRScheduler;
import io.jgrad.optim.LinearLR;
import io.jgrad.optim.Optimizer;
import io.jgrad.optim.SGD;
import io.jgrad.optim.StepLR;
import io.jgrad.tensor.Rng;
import io.jgrad.train.EpochStats;
import io.jgrad.train.History;
import io.jgrad.train.Plot;
import io.jgrad.train.Progress;
import io.jgrad.train.Trainer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

public class LrDecay {
    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--short"); // CI's few-second setting
        int epochs = quick ? 4 : 30;
        Path out = Path.of("runs/scripts");

        Dataset.Split data = SyntheticClassification.builder().samples(3000).features(20).informative(8).classes(4)
                .seed(5).build().split(0.8, 5);
        List<String> names = List.of("linear", "exponential", "step");
        List<Function<Optimizer, LRScheduler>> schedules = List.of(
                opt -> new LinearLR(opt, 1.0, 0.05, epochs),        // 0.1 → 0.005 in a straight line
                opt -> new ExponentialLR(opt, 0.9),                  // ×0.9 every epoch
                opt -> new StepLR(opt, Math.max(1, epochs / 3), 0.3)); // ×0.3 every third of the run
        Plot lrPlot = Plot.titled("Learning rate").axes("epoch", "lr");
        Plot lossPlot = Plot.titled("Training loss").axes("epoch", "loss");
        System.out.printf("%-12s %10s %12s %14s%n", "schedule", "final lr", "final loss", "test accuracy");
        for (int k = 0; k < names.size(); k++) {
            Rng.manualSeed(5);                                       // the same initial weights for each
            Sequential model = new Sequential(new Linear(20, 64), new ReLU(), new Linear(64, 4));
            Optimizer sgd = SGD.builder(model.parameters()).lr(0.1).momentum(0.9).build();
            LRScheduler schedule = schedules.get(k).apply(sgd);
            Trainer trainer = Trainer.builder().model(model).optimizer(sgd).scheduler(schedule).epochs(epochs)
                    .batchSize(64).seed(5).progress(Progress.none()).build();
            History h = trainer.fit(data.first());
            List<EpochStats> e = h.epochs();
            double[] epoch = e.stream().mapToDouble(EpochStats::epoch).toArray();
            lrPlot.points(names.get(k), epoch, e.stream().mapToDouble(EpochStats::lr).toArray());
            lossPlot.points(names.get(k), epoch, e.stream().mapToDouble(EpochStats::trainLoss).toArray());
            EpochStats last = e.get(e.size() - 1);
            System.out.printf("%-12s %10.5f %12.4f %13.2f%%%n", names.get(k), last.lr(), last.trainLoss(),
                    100 * trainer.evaluate(data.second()).accuracy());
        }
        Path png = out.resolve("lr-decay.png");
        Plot.writeRow(png, lrPlot, lossPlot);
        System.out.println("wrote " + png);
    }
}
