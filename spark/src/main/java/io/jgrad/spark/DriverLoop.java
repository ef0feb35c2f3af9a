package io.jgrad.spark;

import io.jgrad.data.Dataset;
import io.jgrad.nn.Module;
import io.jgrad.nn.Parameter;
import io.jgrad.optim.Clipping;
import io.jgrad.optim.LRScheduler;
import io.jgrad.optim.Optimizer;
import io.jgrad.tensor.Tensor;
import io.jgrad.train.EpochStats;
import io.jgrad.train.Evaluation;
import io.jgrad.train.Evaluator;
import io.jgrad.train.History;
import io.jgrad.train.LossFunction;
import io.jgrad.train.NonFiniteLossException;
import io.jgrad.train.Progress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's epoch loop: per step, broadcast the weights through a {@link StepRunner}, merge
 * the workers' sums ({@link GlobalGradient}), then clip, step the optimizer and adopt worker 0's
 * buffers; per epoch, validate on the driver, step the scheduler and record a {@link History}
 * line, with progress as the Trainer reports it.
 */
final class DriverLoop {
    private static final Logger LOG = LoggerFactory.getLogger(SparkTrainer.class);

    private final SparkTrainer o;
    private final Module model;
    private final Optimizer optimizer;
    private final LRScheduler scheduler;
    private final List<Parameter> params;
    private long stepNanos;
    private long steps;

    DriverLoop(SparkTrainer options, Module model) {
        this.o = options;
        this.model = model;
        this.params = model.parameters();
        this.optimizer = options.optimizerFactory().apply(params);
        if (optimizer == null) {
            throw new IllegalStateException("SparkTrainer: the optimizer function returned null");
        }
        this.scheduler = options.schedulerFactory() == null ? null : options.schedulerFactory().apply(optimizer);
    }

    History run(StepRunner runner, int trainRows, Dataset validation) {
        int workers = runner.workers();
        int perEpoch = Deal.stepsPerEpoch(trainRows, workers, o.batchSizePerWorker());
        Progress progress = o.progress() != null ? o.progress() : Progress.auto();
        LossFunction valLoss = o.classWeights() == null ? LossFunction.crossEntropy()
                : LossFunction.crossEntropy(o.classWeights());
        History history = new History();
        model.train();
        LOG.info(String.format(Locale.ROOT, "SparkTrainer: %d workers x %d rows = global batch %d, %d steps/epoch, "
                + "%d epochs, %d parameters", workers, o.batchSizePerWorker(), workers * o.batchSizePerWorker(),
                perEpoch, o.epochs(), model.parameterCount()));
        for (int epoch = 1; epoch <= o.epochs(); epoch++) {
            long t0 = System.nanoTime();
            double lr = optimizer.lr();
            progress.startEpoch(epoch, o.epochs(), perEpoch);
            double lossSum = 0;
            long samples = 0;
            long correct = 0;
            for (int s = 0; s < perEpoch; s++) {
                GlobalGradient g = step(runner, epoch, s);
                lossSum += g.loss() * g.count();
                samples += g.count();
                correct += g.correct();
                progress.batch(s + 1, samples, lossSum / samples);
            }
            double vLoss = Double.NaN;
            double vAcc = Double.NaN;
            if (validation != null) {
                Evaluation ev = Evaluator.evaluate(model, validation, valLoss);
                vLoss = ev.loss();
                vAcc = ev.accuracy();
            }
            EpochStats stats = new EpochStats(epoch, lossSum / samples, (double) correct / samples, vLoss, vAcc, lr,
                    (System.nanoTime() - t0) / 1e9);
            if (scheduler != null) {
                scheduler.step();
            }
            history.add(stats);
            progress.endEpoch(stats, o.epochs());
        }
        LOG.info(String.format(Locale.ROOT, "SparkTrainer: %d steps, %.1f ms per step (broadcast, workers, merge, "
                + "optimizer)", steps, meanStepMillis()));
        return history;
    }

    /** Mean wall time of a step so far, in milliseconds. */
    double meanStepMillis() {
        return steps == 0 ? Double.NaN : stepNanos / 1e6 / steps;
    }

    private GlobalGradient step(StepRunner runner, int epoch, int stepInEpoch) {
        long t0 = System.nanoTime();
        StepTask task = new StepTask(epoch, stepInEpoch, steps, StateSnapshot.of(model.stateDict()),
                o.batchSizePerWorker(), o.shuffle(), o.seed(), o.classWeights());
        GlobalGradient g = GlobalGradient.merge(runner.run(task));
        if (!Double.isFinite(g.loss())) {
            throw new NonFiniteLossException(String.format(Locale.ROOT, "SparkTrainer: the training loss became %s at "
                    + "epoch %d, step %d; the update was not applied. Try a smaller learning rate or clipGradNorm.",
                    g.loss(), epoch, stepInEpoch + 1), epoch, stepInEpoch + 1);
        }
        g.applyTo(params);
        if (o.clipGradNorm() > 0) {
            Clipping.clipGradNorm(params, o.clipGradNorm());
        }
        optimizer.step();
        if (g.buffers() != null) {
            Map<String, Tensor> state = model.stateDict();
            state.putAll(g.buffers().toTensors());
            model.loadStateDict(state);
        }
        steps++;
        stepNanos += System.nanoTime() - t0;
        if (LOG.isDebugEnabled()) {
            LOG.debug(String.format(Locale.ROOT, "step %d: loss %.5f, %.1f ms", steps, g.loss(),
                    (System.nanoTime() - t0) / 1e6));
        }
        return g;
    }
}
