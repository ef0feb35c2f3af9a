package io.jgrad.examples;

import io.jgrad.nn.Checkpoints;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.Optimizer;
import io.jgrad.train.Evaluation;
import io.jgrad.train.History;
import io.jgrad.train.LossFunction;
import io.jgrad.train.LrLogger;
import io.jgrad.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What {@code jgrad mlp} and {@code jgrad cnn} share after building their network: train it with
 * the common options (optimizer, cosine schedule by default, class weights), then print the test
 * report and the last line {@code test accuracy …; wrote runs/<command>}, and write
 * {@code history.csv}, {@code history.png} and {@code model.safetensors}.
 */
final class ClassifierRun {
    private ClassifierRun() {
    }

    /** Trains {@code model} and reports; returns the exit code (2 when training diverged). */
    static int train(String command, String shape, Sequential model, TrainOptions opts, ExampleData data, PrintWriter out)
            throws Exception {
        int classes = data.train().numClasses();
        Optimizer optimizer = Optimizers.create(opts, model.parameters());
        int batchSize = opts.batchSize(data.train().size());
        LossFunction loss = opts.classWeights == null ? LossFunction.crossEntropy()
                : LossFunction.crossEntropy(Schedules.checkWeights(opts.classWeights, classes));
        Trainer.Builder builder = Trainer.builder().model(model).optimizer(optimizer).loss(loss).epochs(opts.epochs)
                .batchSize(batchSize).seed(opts.seed).callbacks(new LrLogger());
        TrainOptions.SchedulerName schedule = opts.scheduler(TrainOptions.SchedulerName.cosine);
        Schedules.configure(builder, opts, schedule, optimizer);
        out.printf(Locale.ROOT, "%s on %s: %d train / %d test examples, %s, %s lr %s, %s schedule, batch %d, %d epochs%n",
                command, data.name(), data.train().size(), data.test().size(), shape, opts.optimizer,
                opts.lr != null ? opts.lr : Optimizers.defaultLr(opts.optimizer), schedule, batchSize, opts.epochs);
        out.flush();
        Trainer trainer = builder.build();
        long t0 = System.nanoTime();
        History history = trainer.fit(data.train(), data.test());
        double seconds = (System.nanoTime() - t0) / 1e9;
        Evaluation test = trainer.evaluate(data.test());
        Path dir = opts.out(command);
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
