package io.jgrad.examples;

import io.jgrad.nn.Checkpoints;
import io.jgrad.nn.Module;
import io.jgrad.spark.ModelFactory;
import io.jgrad.optim.Optimizer;
import io.jgrad.tensor.Rng;
import io.jgrad.train.Evaluation;
import io.jgrad.train.Evaluator;
import io.jgrad.train.History;
import io.jgrad.train.LossFunction;
import io.jgrad.train.LrLogger;
import io.jgrad.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code jgrad mlp}: trains {@code 784→256→BatchNorm1d→ReLU→128→BatchNorm1d→ReLU→10} on
 * Fashion-MNIST (Adam, lr 1e-3 with cosine annealing, batch 128, 10 epochs by default), prints the test accuracy
 * with per-class accuracies and the confusion matrix, and writes {@code history.csv},
 * {@code history.png} and {@code model.safetensors} to the output directory. With
 * {@code --spark MASTER} the same run is trained data-parallel on Spark ({@link SparkMlp}).
 */
@Command(name = "mlp", mixinStandardHelpOptions = true,
        description = "Train a multi-layer perceptron classifier and report its test accuracy.")
final class MlpCommand implements Callable<Integer> {
    @Mixin
    TrainOptions opts;

    @Mixin
    SparkOptions spark;

    @Option(names = "--hidden", split = ",", description = "Hidden layer widths (default: 256,128).",
            defaultValue = "256,128")
    int[] hidden;

    @Option(names = "--no-batchnorm", description = "Leave out the BatchNorm1d layers.")
    boolean noBatchNorm;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ExampleData data = ExampleData.load(opts, out);
        int classes = data.train().numClasses();
        int in = data.train().numFeatures();
        boolean batchNorm = !noBatchNorm;
        int[] widths = hidden.clone();
        ModelFactory factory = () -> Models.mlp(in, widths, classes, batchNorm);
        int batchSize = opts.batchSize(data.train().size());
        float[] weights = opts.classWeights == null ? null : Schedules.checkWeights(opts.classWeights, classes);
        LossFunction loss = weights == null ? LossFunction.crossEntropy() : LossFunction.crossEntropy(weights);
        TrainOptions.SchedulerName schedule = opts.scheduler(TrainOptions.SchedulerName.cosine);
        out.printf(Locale.ROOT, "mlp on %s: %d train / %d test examples, %s, %s lr %s, %s schedule, batch %d, %d epochs%s%n",
                data.name(), data.train().size(), data.test().size(), Arrays.toString(hidden), opts.optimizer,
                opts.lr != null ? opts.lr : Optimizers.defaultLr(opts.optimizer), schedule, batchSize, opts.epochs,
                spark.enabled() ? ", on Spark " + spark.master : "");
        out.flush();
        long t0 = System.nanoTime();
        Module model;
        History history;
        if (spark.enabled()) {
            SparkMlp.Result r = SparkMlp.train(spark, opts, factory, data.train(), data.test(), weights, batchSize);
            model = r.model();
            history = r.history();
            out.printf(Locale.ROOT, "spark: %d workers x %d rows per step, %.1f ms per step%n", r.workers(),
                    batchSize / r.workers(), r.msPerStep());
        } else {
            Rng.manualSeed(opts.seed);
            model = factory.get();
            Optimizer optimizer = Optimizers.create(opts, model.parameters());
            Trainer.Builder builder = Trainer.builder().model(model).optimizer(optimizer).loss(loss).epochs(opts.epochs)
                    .batchSize(batchSize).seed(opts.seed).callbacks(new LrLogger());
            Schedules.configure(builder, opts, schedule, optimizer);
            history = builder.build().fit(data.train(), data.test());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Evaluation test = Evaluator.evaluate(model, data.test(), loss);
        Path dir = opts.out("mlp");
        Files.createDirectories(dir);
        history.writeCsv(dir.resolve("history.csv"));
        history.writeChart(dir.resolve("history.png"));
        Checkpoints.save(model, dir.resolve("model.safetensors"));
        out.print(test.format(data.classNames()));
        out.printf(Locale.ROOT, "test accuracy %.2f%% after %d epochs (%.1f s, %.1f s/epoch); wrote %s%n",
                100 * test.accuracy(), history.epochs().size(), seconds, seconds / Math.max(1, history.epochs().size()),
                dir);
        if (history.diverged()) {
            out.println("training stopped early: " + history.stopReason());
            return 2;
        }
        return 0;
    }
}
