package io.jgrad.examples;

import io.jgrad.data.Dataset;
import io.jgrad.nn.Checkpoints;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.Adam;
import io.jgrad.optim.Optimizer;
import io.jgrad.tensor.Rng;
import io.jgrad.train.DistillationTrainer;
import io.jgrad.train.Evaluator;
import io.jgrad.train.History;
import io.jgrad.train.LossFunction;
import io.jgrad.train.Progress;
import io.jgrad.train.Trainer;
import io.jgrad.train.TrainerOptions;
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
 * {@code jgrad distill}: knowledge distillation on Fashion-MNIST. Trains (or reloads) a teacher
 * {@code 784→1200→1200→10} with dropout, then a student {@code 784→32→10} in two scenarios,
 * alone and distilled, over several seeds: (1) all labels; (2) only {@code --labeled} labels for
 * the student alone versus the whole training set as an unlabelled transfer set for the
 * distilled student, with the same number of optimizer steps. Writes, like {@code mlp},
 * {@code history.csv}, {@code history.png} and {@code model.safetensors}: those of the first
 * seed's distilled student of scenario (2), the run's headline model; plus {@code distill.csv}
 * (every seed's accuracies) and the teacher, reused by the next run on the same data. With
 * {@code --tensorboard DIR} every training logs to its own run: {@code DIR/teacher} (when trained)
 * and {@code DIR/<scenario>-seed<N>} for the four students of each seed.
 */
@Command(name = "distill", mixinStandardHelpOptions = true,
        description = "Compare a small student trained alone with one distilled from a large teacher.")
final class DistillCommand implements Callable<Integer> {
    @Mixin
    TrainOptions opts;

    @Option(names = "--teacher-epochs", defaultValue = "10", description = "Teacher epochs (default: ${DEFAULT-VALUE}).")
    int teacherEpochs;

    @Option(names = "--dropout", defaultValue = "0.3", description = "Teacher dropout (default: ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--temperature", defaultValue = "4", description = "Distillation temperature T (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--alpha", defaultValue = "0.9", description = "Weight of the soft targets (default: ${DEFAULT-VALUE}).")
    double alpha;

    @Option(names = "--labeled", defaultValue = "1000", description = "Labelled examples in scenario 2 (default: ${DEFAULT-VALUE}).")
    int labeled;

    @Option(names = "--seeds", defaultValue = "3", description = "Student seeds to average over (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private int trainSize;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (seeds <= 0 || labeled <= 0) {
            throw new IllegalArgumentException("--seeds and --labeled must be positive, got " + seeds + " and " + labeled);
        }
        ExampleData data = ExampleData.load(opts, out);
        Dataset train = data.train();
        Dataset test = data.test();
        trainSize = train.size();
        Path dir = opts.out("distill");
        Files.createDirectories(dir);
        int batch = opts.batchSize(train.size());
        long t0 = System.nanoTime();
        Sequential teacher = teacher(data, dir, out);
        double teacherAcc = accuracy(teacher, test);
        out.printf(Locale.ROOT, "teacher %.2f%% (%s)%n", 100 * teacherAcc, data.name());
        out.flush();

        int labeledCount = Math.min(labeled, train.size());
        int stepsPerEpoch = (train.size() + batch - 1) / batch;
        int steps = opts.epochs * stepsPerEpoch;
        double[][] acc = new double[4][seeds];
        for (int k = 0; k < seeds; k++) {
            long seed = opts.seed + k;
            Dataset few = train.subset(Arrays.copyOf(new Rng(seed).permutation(train.size()), labeledCount));
            acc[0][k] = accuracy(alone(seed, train, batch, 0, "full_alone"), test);
            acc[1][k] = accuracy(distilled(seed, teacher, train, null, batch, null, "full_distilled").model(), test);
            acc[2][k] = accuracy(alone(seed, few, batch, steps, "scarce_alone"), test);
            Trained headline = distilled(seed, teacher, null, train, batch, k == 0 ? test : null, "scarce_distilled");
            acc[3][k] = accuracy(headline.model(), test);
            if (k == 0) {
                headline.history().writeCsv(dir.resolve("history.csv"));
                headline.history().writeChart(dir.resolve("history.png"));
                Checkpoints.save(headline.model(), dir.resolve("model.safetensors"));
            }
            out.printf(Locale.ROOT, "seed %d: full labels alone %.2f%% distilled %.2f%% | %d labels alone %.2f%% "
                    + "transfer-set distilled %.2f%%%n", seed, 100 * acc[0][k], 100 * acc[1][k], labeledCount,
                    100 * acc[2][k], 100 * acc[3][k]);
            out.flush();
        }
        out.printf(Locale.ROOT, "%nstudent 784-32-10, T=%s, alpha=%s, %d steps per student, mean of %d seeds "
                + "(teacher %.2f%%)%n", temperature, alpha, steps, seeds, 100 * teacherAcc);
        out.printf(Locale.ROOT, "%-52s %9s %10s %8s%n", "scenario", "alone", "distilled", "gain");
        row(out, "(1) full labels (" + train.size() + ")", acc[0], acc[1]);
        row(out, "(2) " + labeledCount + " labels vs " + train.size() + "-image transfer set", acc[2], acc[3]);
        out.printf(Locale.ROOT, "total %.1f s%n", (System.nanoTime() - t0) / 1e9);
        StringBuilder csv = new StringBuilder("seed,full_alone,full_distilled,scarce_alone,scarce_distilled,teacher\n");
        for (int k = 0; k < seeds; k++) {
            csv.append(String.format(Locale.ROOT, "%d,%.4f,%.4f,%.4f,%.4f,%.4f%n", opts.seed + k, acc[0][k], acc[1][k],
                    acc[2][k], acc[3][k], teacherAcc));
        }
        Files.writeString(dir.resolve("distill.csv"), csv);
        out.printf(Locale.ROOT, "wrote %s: history.csv, history.png and model.safetensors (seed %d's distilled student "
                + "of scenario 2), distill.csv (every seed)%n", dir, opts.seed);
        return 0;
    }

    /** Loads the teacher saved for this data set, or trains and saves it. */
    private Sequential teacher(ExampleData data, Path dir, PrintWriter out) {
        Rng.manualSeed(opts.seed);
        Sequential teacher = Models.teacher(data.train().numFeatures(), data.train().numClasses(), dropout);
        Path file = dir.resolve("teacher-" + data.name() + ".safetensors");
        if (Files.isRegularFile(file)) {
            Checkpoints.load(teacher, file);
            out.println("loaded the teacher from " + file);
            return teacher;
        }
        out.printf(Locale.ROOT, "training the teacher 784-1200-1200-10 (dropout %s) for %d epochs%n", dropout,
                teacherEpochs);
        out.flush();
        Trainer.builder().model(teacher).optimizer(Adam.builder(teacher.parameters()).lr(1e-3).build())
                .epochs(teacherEpochs).batchSize(opts.batchSize(data.train().size())).seed(opts.seed)
                .tensorBoard(opts.tensorBoard("teacher")).build()
                .fit(data.train(), data.test());
        Checkpoints.save(teacher, file);
        return teacher;
    }

    private Sequential student(long seed, Dataset d) {
        Rng.manualSeed(seed);
        return Models.student(d.numFeatures(), d.numClasses());
    }

    /**
     * The student trained on labels alone, for {@code epochs} or exactly {@code steps} steps;
     * {@code scenario} names its TensorBoard run.
     */
    private Sequential alone(long seed, Dataset labels, int batch, int steps, String scenario) {
        Sequential s = student(seed, labels);
        Optimizer opt = Optimizers.create(opts, s.parameters());
        Trainer.Builder b = Trainer.builder().model(s).optimizer(opt).batchSize(Math.min(batch, labels.size()))
                .seed(seed).progress(Progress.none()).tensorBoard(opts.tensorBoard(scenario + "-seed" + seed));
        b = steps > 0 ? b.steps(steps) : b.epochs(opts.epochs);
        schedule(b, opt, batch);
        if (opts.classWeights != null) {
            b.loss(LossFunction.crossEntropy(Schedules.checkWeights(opts.classWeights, labels.numClasses())));
        }
        b.build().fit(labels, null);
        return s;
    }

    /**
     * Every student follows the same lr curve over its steps (per batch), whatever its epoch
     * length: the run is {@code --epochs} passes over the full training set.
     */
    private void schedule(TrainerOptions<?> b, Optimizer opt, int batch) {
        int perEpoch = (trainSize + batch - 1) / batch;
        Schedules.configure(b, opts, opts.scheduler(TrainOptions.SchedulerName.none), opt, perEpoch,
                perEpoch * opts.epochs);
    }

    /** A trained student and the history of its training. */
    private record Trained(Sequential model, History history) {
    }

    /**
     * The student distilled on labelled data and/or a transfer set (soft targets only),
     * validated on {@code validation} after every epoch when it is not null; {@code scenario}
     * names its TensorBoard run.
     */
    private Trained distilled(long seed, Sequential teacher, Dataset labels, Dataset transfer, int batch,
                              Dataset validation, String scenario) {
        Dataset any = labels != null ? labels : transfer;
        Sequential s = student(seed, any);
        Optimizer opt = Optimizers.create(opts, s.parameters());
        DistillationTrainer.Builder b = DistillationTrainer.builder().teacher(teacher).model(s).optimizer(opt)
                .temperature(temperature).alpha(alpha).transferSet(transfer).epochs(opts.epochs).batchSize(batch)
                .seed(seed).progress(Progress.none()).tensorBoard(opts.tensorBoard(scenario + "-seed" + seed))
                .classWeights(opts.classWeights == null ? null : Schedules.checkWeights(opts.classWeights, any.numClasses()));
        schedule(b, opt, batch);
        return new Trained(s, b.build().fit(labels, validation));
    }

    private static double accuracy(Sequential model, Dataset test) {
        return Evaluator.evaluate(model, test, LossFunction.crossEntropy()).accuracy();
    }

    private static void row(PrintWriter out, String name, double[] alone, double[] distilled) {
        double a = mean(alone);
        double d = mean(distilled);
        out.printf(Locale.ROOT, "%-52s %8.2f%% %9.2f%% %+7.2f%n", name, 100 * a, 100 * d, 100 * (d - a));
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }
}
