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
 * {@code jgrad cnn}: trains a small convolutional network on Fashion-MNIST, two blocks
 * {@code Conv2d(3×3) → BatchNorm2d → ReLU → MaxPool2d(2)} (32 and 64 maps by default), then
 * {@code Linear(3136, 128) → ReLU → Dropout(0.3) → Linear(128, 10)}; Adam, lr 1e-3 with cosine
 * annealing, batch 128, 10 epochs by default. Same flags, report and output files as {@code mlp}.
 */
@Command(name = "cnn", mixinStandardHelpOptions = true,
        description = "Train a convolutional classifier on Fashion-MNIST.")
final class CnnCommand implements Callable<Integer>, TrainOptions.CommandDefaults {
    private static final int SIDE = 28;

    @Mixin
    TrainOptions opts;

    @Option(names = "--channels", split = ",", description = "Feature maps of the two conv blocks (default: 32,64).",
            defaultValue = "32,64")
    int[] channels;

    @Option(names = "--hidden", description = "Width of the hidden linear layer (default: ${DEFAULT-VALUE}).",
            defaultValue = "128")
    int hidden;

    @Option(names = "--dropout", description = "Dropout before the last layer (default: ${DEFAULT-VALUE}).",
            defaultValue = "0.3")
    double dropout;

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
        if (data.train().numFeatures() != SIDE * SIDE) {
            throw new IllegalArgumentException("cnn: needs 28x28 images (784 features), got "
                    + data.train().numFeatures() + " features");
        }
        int[] maps = channels.clone();
        int width = hidden;
        double drop = dropout;
        int classes = data.train().numClasses();
        ModelFactory factory = () -> Models.cnn(SIDE, maps, width, drop, classes);
        String shape = "conv " + Arrays.toString(channels) + ", hidden " + hidden;
        return ClassifierRun.train("cnn", shape, factory, opts, data, out, null);
    }
}
