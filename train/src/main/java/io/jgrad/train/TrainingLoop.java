package io.jgrad.train;

import io.jgrad.autograd.Variable;
import io.jgrad.data.Batch;
import io.jgrad.data.DataLoader;
import io.jgrad.data.Dataset;
import io.jgrad.nn.Module;
import io.jgrad.optim.Clipping;
import io.jgrad.optim.Optimizer;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.StepScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The epoch loop shared by {@link Trainer} and {@link DistillationTrainer}:
 * for each batch {@code zeroGrad → forward → loss → backward → clip → step}, with running
 * metrics, progress, validation, the scheduler and the callbacks around it.
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
        Rng interleave = new Rng(o.seed ^ 0x9E3779B97F4A7C15L);
        long steps = o.resumeFrom != null ? restore(o.resumeFrom) : 0;
        for (Callback c : o.callbacks) {
            c.onTrainBegin(ctx);
        }
        boolean wasTraining = model.isTraining();
        TensorBoardLog tensorBoard = TensorBoardLog.open(o.tensorBoardDir);
        model.train();
        long totalSteps = o.maxSteps > 0 ? o.maxSteps : (long) epochs * perEpoch;
        int firstEpoch = steps >= totalSteps ? epochs + 1 : (int) (steps / perEpoch) + 1;
        for (int e = 1; e < firstEpoch; e++) { // replay the finished epochs' shuffles
            interleaving(streams, interleave);
            streams.forEach(s -> s.loader().iterator());
        }
        try {
            for (int epoch = firstEpoch; epoch <= epochs; epoch++) {
                long t0 = System.nanoTime();
                double lr = optimizer.lr();
                int[] order = interleaving(streams, interleave);
                int done = epoch == firstEpoch ? (int) (steps % perEpoch) : 0;
                int batches = o.maxSteps > 0 ? (int) Math.min(order.length, o.maxSteps - steps + done) : order.length;
                List<Iterator<Batch>> its = new ArrayList<>();
                for (Stream s : streams) {
                    its.add(s.loader().iterator());
                }
                for (int i = 0; i < done; i++) { // skip the batches a resumed run already took
                    its.get(order[i]).next();
                }
                progress.startEpoch(epoch, epochs, batches);
                double lossSum = 0;
                long samples = 0;
                long correct = 0;
                long labeled = 0;
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
                        double l = loss.value().item();
                        if (!Double.isFinite(l)) {
                            diverged(history, epoch, i + 1, l);
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
                        lossSum += l * b.size();
                        samples += b.size();
                        if (s.labeled() && task.hasAccuracy()) {
                            correct += countCorrect(task, logits, b);
                            labeled += b.size();
                        }
                        progress.batch(i + 1, samples, lossSum / samples);
                    }
                    // mid-epoch saves (every N steps, or where steps() ends the run); a full epoch's end
                    // is saved below, after its scheduler step, so a resume never repeats that step
                    boolean stopsHere = i + 1 == batches;
                    if (i + 1 < order.length && (stopsHere || o.checkpointEvery > 0 && steps % o.checkpointEvery == 0)) {
                        saveCheckpoint(steps);
                    }
                }
                double valLoss = Double.NaN;
                double valAcc = Double.NaN;
                if (validation != null) {
                    Evaluation ev = Evaluator.evaluate(model, validation, validationLoss, o.evalBatchSize);
                    valLoss = ev.loss();
                    valAcc = task.hasAccuracy() ? ev.accuracy() : Double.NaN;
                }
                EpochStats stats = new EpochStats(epoch, lossSum / samples,
                        labeled == 0 ? Double.NaN : (double) correct / labeled, valLoss, valAcc, lr,
                        (System.nanoTime() - t0) / 1e9);
                if (o.scheduler != null && o.schedulerInterval == SchedulerInterval.EPOCH) {
                    o.scheduler.step();
                }
                if (o.plateau != null) {
                    o.plateau.step(stats.metric(o.plateauMetric));
                }
                if (batches == order.length) {
                    saveCheckpoint(steps);
                }
                history.add(stats);
                if (tensorBoard != null) {
                    tensorBoard.epoch(stats, model);
                }
                progress.endEpoch(stats, epochs);
                for (Callback c : o.callbacks) {
                    c.onEpochEnd(stats, ctx);
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

    /** Loads {@code file} into model, optimizer and scheduler; returns the steps it had taken. */
    private long restore(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("fit: resumeFrom file " + file + " does not exist (or is not a file)");
        }
        long steps = TrainingCheckpoint.load(file, model, optimizer, o.scheduler);
        LOG.info("resumed from {} at step {}", file, steps);
        return steps;
    }

    private void saveCheckpoint(long steps) {
        if (o.checkpointFile != null) {
            TrainingCheckpoint.save(o.checkpointFile, model, optimizer, o.scheduler, steps);
        }
    }

    private void diverged(History history, int epoch, int batch, double loss) {
        String msg = String.format(Locale.ROOT, "the training loss became %s at epoch %d, batch %d; this update was "
                + "skipped and training stopped (earlier checkpoints are untouched). Try a smaller learning rate "
                + "or gradient clipping (clipGradNorm).", loss, epoch, batch);
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

    private static long countCorrect(Task task, Variable logits, Batch batch) {
        int[] predicted = task.predictedClasses(logits);
        int[] labels = Task.actualClasses(batch);
        long n = 0;
        for (int i = 0; i < labels.length; i++) {
            n += predicted[i] == labels[i] ? 1 : 0;
        }
        return n;
    }
}
