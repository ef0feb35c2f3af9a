package io.jgrad.examples;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The training options both examples share (a picocli mixin). */
public final class TrainOptions {
    /** The optimizers the examples can build. */
    public enum OptimizerName { gd, sgd, adagrad, rmsprop, adam, adamw }

    /** The learning-rate schedules the examples can build. */
    public enum SchedulerName { none, step, exponential, linear, cosine, plateau }

    @Option(names = "--epochs", description = "Training epochs (default: ${DEFAULT-VALUE}).", defaultValue = "10")
    int epochs;

    @Option(names = "--batch-size", description = "Examples per batch (default: 128; gd uses the whole set).")
    Integer batchSize;

    @Option(names = "--optimizer", description = "One of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
            defaultValue = "adam")
    OptimizerName optimizer;

    @Option(names = "--lr", description = "Learning rate (default: the optimizer's usual one, e.g. 1e-3 for adam).")
    Double lr;

    @Option(names = "--momentum", description = "Momentum of sgd (default: ${DEFAULT-VALUE}).", defaultValue = "0.9")
    double momentum;

    @Option(names = "--weight-decay", description = "L2 weight decay (decoupled for adamw; default: the optimizer's).")
    Double weightDecay;

    @Option(names = "--scheduler", description = "Learning-rate schedule per epoch: ${COMPLETION-CANDIDATES} "
            + "(default: cosine for mlp, none for distill).")
    SchedulerName scheduler;

    @Option(names = "--warmup", description = "Linear warm-up epochs before the schedule (default: ${DEFAULT-VALUE}).",
            defaultValue = "0")
    int warmup;

    @Option(names = "--class-weights", split = ",", description = "Per-class loss weights, a comma list (cost-sensitive training).")
    float[] classWeights;

    @Option(names = "--data", description = "Directory of the four Fashion-MNIST IDX files; it must exist (default: "
            + "/usr/share/datasets/fashion-mnist, or the built-in synthetic set when that is not installed).")
    Path data;

    @Option(names = "--synthetic", description = "Train on the built-in synthetic 10-class set instead of Fashion-MNIST.")
    boolean synthetic;

    @Option(names = "--seed", description = "Random seed of initialisation and shuffling (default: ${DEFAULT-VALUE}).",
            defaultValue = "42")
    long seed;

    @Option(names = "--out", description = "Output directory (default: runs/<command>).")
    Path out;

    @Option(names = "--tensorboard", paramLabel = "DIR", description = "Also log every epoch to TensorBoard event "
            + "files in DIR (losses, accuracies, lr, parameter histograms); view with tensorboard --logdir DIR.")
    Path tensorBoard;

    @Option(names = "--summary", description = "Print the model's layers, output shapes and parameter counts, and exit.")
    boolean summary;

    @Option(names = "--limit", description = "Use only the first N training and test examples (smoke runs).")
    Integer limit;

    /** The batch size: the flag, or the whole training set for full-batch gd, else 128. */
    int batchSize(int trainSize) {
        if (batchSize != null) {
            return batchSize;
        }
        return optimizer == OptimizerName.gd ? trainSize : 128;
    }

    /** The schedule: the flag, or the command's default. */
    SchedulerName scheduler(SchedulerName commandDefault) {
        return scheduler != null ? scheduler : commandDefault;
    }

    /** The TensorBoard directory of one run of several ({@code DIR/name}), or null without --tensorboard. */
    Path tensorBoard(String name) {
        return tensorBoard == null ? null : tensorBoard.resolve(name);
    }

    Path out(String command) {
        return out != null ? out : Path.of("runs", command);
    }
}
