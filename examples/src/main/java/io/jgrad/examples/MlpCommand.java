package io.jgrad.examples;

import io.jgrad.spark.ModelFactory;
import java.io.PrintWriter;
import java.util.Arrays;
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
        description = "Train a multi-layer perceptron classifier on Fashion-MNIST.")
final class MlpCommand implements Callable<Integer>, TrainOptions.CommandDefaults {
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
    public TrainOptions.SchedulerName defaultScheduler() {
        return TrainOptions.SchedulerName.cosine;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ExampleData data = ExampleData.load(opts, out);
        int classes = data.train().numClasses();
        int in = data.train().numFeatures();
        boolean batchNorm = !noBatchNorm;
        int[] widths = hidden.clone();
        ModelFactory factory = () -> Models.mlp(in, widths, classes, batchNorm);
        return ClassifierRun.train("mlp", Arrays.toString(hidden), factory, opts, data, out, spark);
    }
}
