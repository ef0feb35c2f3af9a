package io.jgrad.examples;

import io.jgrad.nn.Checkpoints;
import io.jgrad.nn.Module;
import io.jgrad.optim.Optimizer;
import io.jgrad.spark.ModelFactory;
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
import java.util.Locale;

/**
 * What {@code jgrad mlp} and {@code jgrad cnn} share once they know their network: train it with
 * the common options (optimizer, cosine schedule by default, class weights), in this process or
 * data-parallel on Spark, then print the test report and the last line
 * {@code test accuracy …; wrote runs/<command>}, and write {@code history.csv},
 * {@code history.png} and {@code model.safetensors}.
 */
final class ClassifierRun {
    private ClassifierRun() {
    }

    /**
     * Trains the network {@code factory} makes and reports; {@code spark} may be null (one
     * process). Returns the exit code (2 when training diverged).
     */
    static int train(String command, String shape, ModelFactory factory, TrainOptions opts, ExampleData data,
                     PrintWriter out, SparkOptions spark) throws Exception {
        if (opts.summary) {
            Rng.manualSeed(opts.seed);
            out.print(factory.get().summary(1, data.train().numFeatures()));
            out.flush();
            return 0;
        }
        boolean onSpark = spark != null && spark.enabled();
        int classes = data.train().numClasses();
        int batchSize = opts.batchSize(data.train().size());
        float[] weights = opts.classWeights == null ? null : Schedules.checkWeights(opts.classWeights, classes);
        LossFunction loss = weights == null ? LossFunction.crossEntropy() : LossFunction.crossEntropy(weights);
        TrainOptions.SchedulerName schedule = opts.scheduler(TrainOptions.SchedulerName.cosine);
        out.printf(Locale.ROOT, "%s on %s: %d train / %d test examples, %s, %s lr %s, %s schedule, batch %d, %d epochs%s%n",
                command, data.name(), data.train().size(), data.test().size(), shape, opts.optimizer,
                opts.lr != null ? opts.lr : Optimizers.defaultLr(opts.optimizer), schedule, batchSize, opts.epochs,
                onSpark ? ", on Spark " + spark.master : "");
        out.flush();
        long t0 = System.nanoTime();
        Module model;
        History history;
        if (onSpark && opts.tensorBoard != null) {
            throw new IllegalArgumentException("--tensorboard is not available with --spark: the Spark trainer has no "
                    + "TensorBoard log yet; train in one process to log, or drop --tensorboard");
        }
        if (onSpark) {
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
                    .batchSize(batchSize).seed(opts.seed).callbacks(new LrLogger()).tensorBoard(opts.tensorBoard);
            Schedules.configure(builder, opts, schedule, optimizer);
            history = builder.build().fit(data.train(), data.test());
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Evaluation test = Evaluator.evaluate(model, data.test(), loss);
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
