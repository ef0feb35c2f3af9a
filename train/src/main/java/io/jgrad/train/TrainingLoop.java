package io.jgrad.train;

import io.jgrad.autograd.Variable;
import io.jgrad.data.Batch;
import io.jgrad.data.DataLoader;
import io.jgrad.data.Dataset;
import io.jgrad.nn.Module;
import io.jgrad.nn.SafeTensors;
import io.jgrad.optim.Clipping;
import io.jgrad.optim.Optimizer;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.StepScope;
import io.jgrad.tensor.backend.Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The epoch loop shared by {@link Trainer} and {@link DistillationTrainer}:
 * for each batch {@code zeroGrad → forward → loss → backward → clip → step}, with running
 * metrics, progress, validation, the scheduler and the callbacks around it.
 *
 * <p>On the {@code cpu} backend each batch's loss is read as it is computed (the read is free there):
 * a non-finite loss stops the run before its update. On {@code nd4j} the batches' numbers stay on
 * the device ({@link DeviceRecord}) and are read at the epoch's end, before a mid-epoch checkpoint
 * and when the progress reporter is {@link Progress#due due} (every 10 s for log lines, every 0.5 s
 * for a terminal bar): a constant number of reads per epoch, not per batch; a non-finite loss is
 * then reported with the batch it happened in and the batches applied since.
 *
 * <p>An epoch may draw from several {@link Stream}s (labelled data, an unlabelled transfer set);
 * their batches are interleaved in a seeded random order so each epoch mixes them evenly.
 */
final class TrainingLoop {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    /** The loss of one batch given the model's logits for it. */
    @FunctionalInterface
    interface BatchLoss {
        Variable apply(Batch batch, Variable logits);
    }

    /** A source of training batches; {@code labeled} says whether its labels are real (for train_acc). */
    record Stream(DataLoader loader, boolean labeled, BatchLoss loss) {
    }

    /** Checkpoint metadata: the reason a callback stopped the run at this checkpoint (absent while it goes on). */
    private static final String STOPPED = "stopped";

    private final TrainerOptions<?> o;
    private final Module model;
    private final Optimizer optimizer;

    TrainingLoop(TrainerOptions<?> options) {
        this.o = options;
        this.model = options.model;
        this.optimizer = options.optimizer;
    }

    /** A stream over {@code data} with the configured batch size, shuffling and its own seed. */
    DataLoader loader(Dataset data, long seedOffset) {
        return DataLoader.builder(data).batchSize(o.batchSize).shuffle(o.shuffle).dropLast(o.dropLast)
                .seed(o.seed + seedOffset).build();
    }

    History run(List<Stream> streams, Dataset validation, LossFunction validationLoss) {
        int perEpoch = 0;
        for (Stream s : streams) {
            perEpoch += s.loader().numBatches();
        }
        if (perEpoch == 0) {
            throw new IllegalArgumentException("fit: the training data yields no batch (size "
                    + streams.get(0).loader().dataset().size() + ", batch size " + o.batchSize + ", dropLast " + o.dropLast + ")");
        }
        int epochs = o.maxSteps > 0 ? (o.maxSteps + perEpoch - 1) / perEpoch : o.epochs;
        Progress progress = o.progress != null ? o.progress : Progress.auto();
        History history = new History();
        Task task = validationLoss.task();
        if (o.plateau != null) {
            MetricMonitor.requireFits("plateau", o.plateauMetric, task);
        }
        TrainingContext ctx = new TrainingContext(model, optimizer, history, task);
        boolean onDevice = Backend.current() == Backend.ND4J;
        Rng interleave = new Rng(o.seed ^ 0x9E3779B97F4A7C15L);
        EpochTally tally = new EpochTally();
        List<CheckpointPart> parts = checkpointParts(tally);
        if (o.checkpointFile != null) {
            SafeTensors.removeStaleTemporaries(o.checkpointFile);
        }
        for (Callback c : o.callbacks) {
            c.onTrainBegin(ctx);
        }
        long steps = 0;
        String stopped = null;
        if (o.resumeFrom != null) { // after onTrainBegin, which resets the callbacks the checkpoint then restores
            TrainingCheckpoint.Loaded at = restore(o.resumeFrom, parts);
            steps = at.step();
            stopped = at.metadata().get(STOPPED);
        }
        boolean wasTraining = model.isTraining();
        TensorBoardLog tensorBoard = TensorBoardLog.open(o.tensorBoardDir);
        model.train();
        long totalSteps = o.maxSteps > 0 ? o.maxSteps : (long) epochs * perEpoch;
        int firstEpoch = steps >= totalSteps || stopped != null ? epochs + 1 : (int) (steps / perEpoch) + 1;
        if (stopped != null) {
            history.stop(stopped, false);
        }
        for (int e = 1; e < firstEpoch; e++) { // replay the finished epochs' shuffles
            interleaving(streams, interleave);
            streams.forEach(s -> s.loader().iterator());
        }
        try {
            for (int epoch = firstEpoch; epoch <= epochs; epoch++) {
                long t0 = System.nanoTime();
                int[] order = interleaving(streams, interleave);
                int done = epoch == firstEpoch ? (int) (steps % perEpoch) : 0;
                if (done == 0 || tally.samples() == 0) { // else the checkpoint restored the sums of the epoch's first batches
                    tally.start(optimizer.lr());
                }
                int batches = o.maxSteps > 0 ? (int) Math.min(order.length, o.maxSteps - steps + done) : order.length;
                List<Iterator<Batch>> its = new ArrayList<>();
                for (Stream s : streams) {
                    its.add(s.loader().iterator());
                }
                for (int i = 0; i < done; i++) { // skip the batches a resumed run already took
                    its.get(order[i]).next();
                }
                progress.startEpoch(epoch, epochs, batches);
                DeviceRecord record = onDevice ? new DeviceRecord(batches, done) : null;
                long seen = tally.samples();
                for (int i = done; i < batches; i++) {
                    // one step's temporaries (batch, activations) are freed as it ends
                    try (StepScope scope = StepScope.open()) {
                        Stream s = streams.get(order[i]);
                        Batch b = its.get(order[i]).next();
                        optimizer.zeroGrad();
                        Variable logits = model.forward(Variable.constant(b.features()));
                        if (s.labeled()) {
                            task.check("fit", validationLoss.name(), logits.shape(), s.loader().dataset());
                        }
                        Variable loss = s.loss().apply(b, logits);
                        double l = onDevice ? Double.NaN : loss.value().item();   // cpu: the read is free
                        if (!onDevice && !Double.isFinite(l)) {
                            diverged(history, epoch, i + 1, l, -1);
                            return history;
                        }
                        loss.backward();
                        if (o.clipGradNorm > 0) {
                            Clipping.clipGradNormTensor(model.parameters(), o.clipGradNorm, 2);
                        }
                        optimizer.step();
                        steps++;
                        if (o.scheduler != null && o.schedulerInterval == SchedulerInterval.BATCH) {
                            o.scheduler.step();
                        }
                        boolean accuracy = s.labeled() && task.hasAccuracy();
                        seen += b.size();
                        if (onDevice) {
                            record.add(i, b, loss, logits, task, validationLoss.ignoreIndex(), accuracy);
                            // the sums are read at the epoch's end, and when the reporter is about to show them
                            if ((i + 1 == batches || progress.due(i + 1)) && sync(record, tally, history, epoch, i + 1)) {
                                return history;
                            }
                        } else {
                            tally.addLoss(l, b.size());
                            if (accuracy) {
                                Task.Tally t = Task.Tally.of(task.predictedClasses(logits), Task.actualClasses(b),
                                        validationLoss.ignoreIndex());
                                tally.addCorrect(t.correct(), t.counted());
                            }
                        }
                        progress.batch(i + 1, seen, tally.meanLoss());
                    }
                    // mid-epoch saves (every N steps, or where steps() ends the run); a full epoch's end
                    // is saved below, after its schedulers and callbacks, so a resume never repeats them
                    boolean stopsHere = i + 1 == batches;
                    if (i + 1 < order.length && (stopsHere || o.checkpointEvery > 0 && steps % o.checkpointEvery == 0)) {
                        if (onDevice && sync(record, tally, history, epoch, i + 1)) {  // never save past a non-finite loss
                            return history;
                        }
                        saveCheckpoint(parts, steps, null);
                    }
                }
                double valLoss = Double.NaN;
                double valAcc = Double.NaN;
                if (validation != null) {
                    Evaluation ev = Evaluator.evaluate(model, validation, validationLoss, o.evalBatchSize);
                    valLoss = ev.loss();
                    valAcc = task.hasAccuracy() ? ev.accuracy() : Double.NaN;
                }
                EpochStats stats = new EpochStats(epoch, tally.meanLoss(), tally.accuracy(), valLoss, valAcc, tally.lr(),
                        (System.nanoTime() - t0) / 1e9);
                if (o.scheduler != null && o.schedulerInterval == SchedulerInterval.EPOCH) {
                    o.scheduler.step();
                }
                if (o.plateau != null) {
                    o.plateau.step(stats.metric(o.plateauMetric));
                }
                history.add(stats);
                if (tensorBoard != null) {
                    tensorBoard.epoch(stats, model);
                }
                progress.endEpoch(stats, epochs);
                for (Callback c : o.callbacks) {
                    c.onEpochEnd(stats, ctx);
                }
                if (batches == order.length) {
                    saveCheckpoint(parts, steps, ctx.stopRequest());
                }
                if (ctx.stopRequest() != null) {
                    history.stop(ctx.stopRequest(), false);
                    break;
                }
            }
        } finally {
            model.train(wasTraining);
            if (tensorBoard != null) {
                tensorBoard.close();
            }
        }
        for (Callback c : o.callbacks) {
            c.onTrainEnd(history, ctx);
        }
        return history;
    }

    /**
     * Everything the rest of the run depends on: model, optimizer, scheduler, the generators
     * (Dropout layers', the global one, the user's), the plateau scheduler, the stateful
     * callbacks and the epoch's running sums.
     */
    private List<CheckpointPart> checkpointParts(EpochTally tally) {
        List<CheckpointPart> parts = new ArrayList<>(TrainingCheckpoint.parts(model, optimizer, o.scheduler, () -> {
            Map<String, Rng> generators = CheckpointPart.generatorsOf(model);
            generators.putAll(o.generators);
            return generators;
        }));
        if (o.plateau != null) {
            parts.add(new CheckpointPart("plateau", o.plateau::stateDict, o.plateau::loadStateDict));
        }
        parts.add(CheckpointPart.callbacks(o.callbacks));
        parts.add(new CheckpointPart("epoch", tally::state, tally::load));
        return parts;
    }

    /** Loads {@code file} into every part of the run; returns the step and metadata it holds. */
    private static TrainingCheckpoint.Loaded restore(Path file, List<CheckpointPart> parts) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("fit: resumeFrom file " + file + " does not exist (or is not a file)");
        }
        TrainingCheckpoint.Loaded at = TrainingCheckpoint.read(file, parts);
        LOG.info("resumed from {} at step {}{}", file, at.step(),
                at.metadata().containsKey(STOPPED) ? " (the run had stopped: " + at.metadata().get(STOPPED) + ")" : "");
        return at;
    }

    /** Saves the run after {@code steps} steps; {@code stopped} is a callback's reason to stop, or null. */
    private void saveCheckpoint(List<CheckpointPart> parts, long steps, String stopped) {
        if (o.checkpointFile != null) {
            TrainingCheckpoint.write(o.checkpointFile, parts, steps, stopped == null ? Map.of() : Map.of(STOPPED, stopped));
        }
    }

    /**
     * Reads the batches {@code record} holds into {@code tally}; on a non-finite loss stops the
     * run as {@link #diverged} and answers true. {@code upTo} is the number of batches taken so far.
     */
    private boolean sync(DeviceRecord record, EpochTally tally, History history, int epoch, int upTo) {
        DeviceRecord.NonFinite bad = record.sync(tally);
        if (bad == null) {
            return false;
        }
        diverged(history, epoch, bad.batch() + 1, bad.loss(), upTo);
        return true;
    }

    /**
     * Ends the run on a non-finite loss at batch {@code batch} (1-based). {@code upTo} is -1 when
     * it was seen at once (the {@code cpu} backend: the update was skipped), else the batch at
     * whose end it was read (the {@code nd4j} backend, which reads losses at sync points only).
     */
    private void diverged(History history, int epoch, int batch, double loss, int upTo) {
        String seen = upTo < 0 ? "this update was skipped and training stopped"
                : String.format(Locale.ROOT, "on the nd4j backend the losses are read at sync points (the epoch's end, "
                        + "a checkpoint, a progress report), here after batch %d, so the updates of batches %d to %d "
                        + "were applied and the model's parameters may be non-finite; training stopped", upTo, batch, upTo);
        String msg = String.format(Locale.ROOT, "the training loss became %s at epoch %d, batch %d; %s (earlier "
                + "checkpoints are untouched). Try a smaller learning rate or gradient clipping (clipGradNorm).", loss,
                epoch, batch, seen);
        if (o.onNonFiniteLoss == NonFiniteLoss.THROW) {
            throw new NonFiniteLossException(msg, epoch, batch);
        }
        LOG.error(msg);
        history.stop(msg, true);
        TrainingContext ctx = new TrainingContext(model, optimizer, history, null);
        for (Callback c : o.callbacks) {
            c.onTrainEnd(history, ctx);
        }
    }

    /** The order in which an epoch visits the streams: each stream index once per batch, shuffled. */
    private static int[] interleaving(List<Stream> streams, Rng rng) {
        int total = 0;
        for (Stream s : streams) {
            total += s.loader().numBatches();
        }
        int[] order = new int[total];
        int k = 0;
        for (int s = 0; s < streams.size(); s++) {
            for (int j = 0; j < streams.get(s).loader().numBatches(); j++) {
                order[k++] = s;
            }
        }
        if (streams.size() > 1) {
            int[] perm = rng.permutation(total);
            int[] shuffled = new int[total];
            for (int i = 0; i < total; i++) {
                shuffled[i] = order[perm[i]];
            }
            return shuffled;
        }
        return order;
    }
}
