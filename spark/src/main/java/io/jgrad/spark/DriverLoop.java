package io.jgrad.spark;

import io.jgrad.data.Dataset;
import io.jgrad.nn.Module;
import io.jgrad.nn.SafeTensors;
import io.jgrad.nn.Parameter;
import io.jgrad.optim.Clipping;
import io.jgrad.optim.LRScheduler;
import io.jgrad.optim.Optimizer;
import io.jgrad.tensor.Tensor;
import io.jgrad.train.EpochStats;
import io.jgrad.train.EpochTally;
import io.jgrad.train.Evaluation;
import io.jgrad.train.Evaluator;
import io.jgrad.train.History;
import io.jgrad.train.LossFunction;
import io.jgrad.train.NonFiniteLossException;
import io.jgrad.train.Progress;
import io.jgrad.train.TrainingCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
    private long resumedSteps;

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
        if (o.checkpointFile() != null) {
            SafeTensors.removeStaleTemporaries(o.checkpointFile());
        }
        EpochTally sums = new EpochTally();
        if (o.resumeFrom() != null) {
            resume(sums);
        }
        for (int epoch = (int) (steps / perEpoch) + 1; epoch <= o.epochs(); epoch++) {
            long t0 = System.nanoTime();
            int done = (int) (steps % perEpoch);
            if (done == 0) { // else the checkpoint restored the sums of the epoch's first steps
                sums.start(optimizer.lr());
            }
            progress.startEpoch(epoch, o.epochs(), perEpoch);
            for (int s = done; s < perEpoch; s++) {
                GlobalGradient g = step(runner, epoch, s);
                sums.addLoss(g.loss(), g.count());
                sums.addCorrect(g.correct(), g.count());
                progress.batch(s + 1, sums.samples(), sums.meanLoss());
                if (s + 1 < perEpoch && o.checkpointEvery() > 0 && steps % o.checkpointEvery() == 0) {
                    save(sums);
                }
            }
            double vLoss = Double.NaN;
            double vAcc = Double.NaN;
            if (validation != null) {
                Evaluation ev = Evaluator.evaluate(model, validation, valLoss);
                vLoss = ev.loss();
                vAcc = ev.accuracy();
            }
            EpochStats stats = new EpochStats(epoch, sums.meanLoss(), sums.accuracy(), vLoss, vAcc, sums.lr(),
                    (System.nanoTime() - t0) / 1e9);
            if (scheduler != null) {
                scheduler.step();
            }
            save(sums);
            history.add(stats);
            progress.endEpoch(stats, o.epochs());
        }
        LOG.info(String.format(Locale.ROOT, "SparkTrainer: %d steps, %.1f ms per step (broadcast, workers, merge, "
                + "optimizer)", steps, meanStepMillis()));
        return history;
    }

    /** Restores the driver's state from the checkpoint to resume from; steps counts on from its step. */
    private void resume(EpochTally sums) {
        Path file = o.resumeFrom();
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("SparkTrainer.fit: resumeFrom file " + file + " does not exist (or is not a file)");
        }
        Map<String, Tensor> extra = new LinkedHashMap<>();
        long at = TrainingCheckpoint.load(file, model, optimizer, scheduler, extra);
        try {
            sums.load(extra);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SparkTrainer.fit: resumeFrom " + file + " holds no valid epoch sums (is it "
                    + "a SparkTrainer checkpoint?): " + e.getMessage(), e);
        }
        resumedSteps = at;
        steps = at;
        LOG.info("SparkTrainer: resumed from {} at step {}", file, at);
    }

    private void save(EpochTally sums) {
        if (o.checkpointFile() != null) {
            TrainingCheckpoint.save(o.checkpointFile(), model, optimizer, scheduler, steps, sums.state());
        }
    }

    /** Mean wall time of a step so far, in milliseconds. */
    double meanStepMillis() {
        long taken = steps - resumedSteps;
        return taken == 0 ? Double.NaN : stepNanos / 1e6 / taken;
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
