package io.jgrad.reliability;

import io.jgrad.data.Dataset;
import io.jgrad.data.SyntheticClassification;
import io.jgrad.nn.BatchNorm1d;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Module;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.SafeTensors;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.Adam;
import io.jgrad.optim.Optimizer;
import io.jgrad.optim.ReduceLROnPlateau;
import io.jgrad.optim.StepLR;
import io.jgrad.tensor.Rng;
import io.jgrad.train.BestCheckpoint;
import io.jgrad.train.Callback;
import io.jgrad.train.DistillationTrainer;
import io.jgrad.train.EarlyStopping;
import io.jgrad.train.EpochStats;
import io.jgrad.train.History;
import io.jgrad.train.LrLogger;
import io.jgrad.train.Progress;
import io.jgrad.train.SchedulerInterval;
import io.jgrad.train.Trainer;
import io.jgrad.train.TrainerOptions;
import io.jgrad.train.TrainingContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The process {@link KillAndResumeTest} kills: a Trainer or DistillationTrainer run whose model
 * has Dropout and BatchNorm, under a per-batch StepLR, ReduceLROnPlateau on val_loss, early
 * stopping and a best checkpoint, checkpointing every 3 steps and resuming from the checkpoint
 * when one exists. It prints when training begins (with the temporary files it found then),
 * one line per epoch with the exact bits of its numbers, and at the end writes the final state
 * dict to {@code final.safetensors}.
 *
 * <p>Usage: {@code ResumingTrainerChild trainer|distill <directory>}.
 */
public final class ResumingTrainerChild {
    static final int EPOCHS = 40;

    private ResumingTrainerChild() {
    }

    public static void main(String[] args) throws IOException {
        String mode = args[0];
        Path dir = Path.of(args[1]);
        Path ckpt = dir.resolve("run.ckpt");
        Dataset.Split data = SyntheticClassification.builder().samples(480).features(20).informative(6).redundant(4)
                .classes(4).flipY(0.15).seed(3).build().split(0.7, 1);
        Module model = model(7);
        Optimizer adam = Adam.builder(model.parameters()).lr(1e-2).build();
        ReduceLROnPlateau plateau = ReduceLROnPlateau.builder(adam).patience(1).factor(0.5).build();
        Callback report = new Callback() {
            @Override
            public void onTrainBegin(TrainingContext ctx) {
                say("began tmp=" + temporaries(dir));
            }

            @Override
            public void onEpochEnd(EpochStats s, TrainingContext ctx) {
                say(String.format(Locale.ROOT, "epoch %d %s %s %s %s %s", s.epoch(), bits(s.trainLoss()), bits(s.trainAcc()),
                        bits(s.valLoss()), bits(s.valAcc()), bits(ctx.optimizer().lr())));
            }
        };
        History h;
        if (mode.equals("trainer")) {
            h = configure(Trainer.builder(), model, adam, plateau, dir, report).build().fit(data.first(), data.second());
        } else {
            Module teacher = model(8);
            Dataset transfer = SyntheticClassification.builder().samples(96).features(20).informative(6).redundant(4)
                    .classes(4).seed(4).build();
            h = configure(DistillationTrainer.builder(), model, adam, plateau, dir, report).teacher(teacher)
                    .temperature(3).alpha(0.7).transferSet(transfer).build().fit(data.first(), data.second());
        }
        if (h.stopReason() != null) {
            say("stopped " + h.stopReason());
        }
        SafeTensors.save(model.stateDict(), dir.resolve("final.safetensors"));
        say("done");
    }

    private static <B extends TrainerOptions<B>> B configure(B b, Module model, Optimizer adam, ReduceLROnPlateau plateau,
                                                          Path dir, Callback report) {
        Path ckpt = dir.resolve("run.ckpt");
        return b.model(model).optimizer(adam).epochs(EPOCHS).batchSize(16).seed(7).progress(Progress.none())
                .scheduler(new StepLR(adam, 40, 0.9), SchedulerInterval.BATCH).plateau(plateau, "val_loss")
                .callbacks(new EarlyStopping("val_loss", 4), new BestCheckpoint(dir.resolve("best.safetensors"), "val_acc"),
                        new LrLogger(), report)
                .checkpoint(ckpt, 3).resumeFrom(Files.exists(ckpt) ? ckpt : null);
    }

    /** 20→32→BatchNorm→ReLU→Dropout(0.3)→32→ReLU→Dropout(0.2)→4, initialised from {@code seed}. */
    static Module model(long seed) {
        Rng.manualSeed(seed);
        return new Sequential(new Linear(20, 32), new BatchNorm1d(32), new ReLU(), new Dropout(0.3),
                new Linear(32, 32), new ReLU(), new Dropout(0.2), new Linear(32, 4));
    }

    static long temporaries(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String bits(double v) {
        return Long.toHexString(Double.doubleToRawLongBits(v));
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
