package io.jgrad.examples;

import io.jgrad.optim.BaseLRScheduler;
import io.jgrad.optim.CosineAnnealingLR;
import io.jgrad.optim.ExponentialLR;
import io.jgrad.optim.LRScheduler;
import io.jgrad.optim.LinearLR;
import io.jgrad.optim.Optimizer;
import io.jgrad.optim.ReduceLROnPlateau;
import io.jgrad.optim.SequentialLR;
import io.jgrad.optim.StepLR;
import io.jgrad.train.SchedulerInterval;
import io.jgrad.train.TrainerOptions;
import java.util.Arrays;
import java.util.List;

/**
 * Turns {@code --scheduler} and {@code --warmup} into schedules over the run: step (×0.1
 * every third of the run), exponential (×0.8 per epoch), linear (to 1% at the end), cosine (to
 * 0 at the end), plateau (halve when val_loss stalls for 1 epoch); a warm-up ramps linearly
 * from 10% over its epochs first.
 */
final class Schedules {
    private Schedules() {
    }

    /** Per-epoch schedules over {@code o.epochs} epochs. */
    static void configure(TrainerOptions<?> builder, TrainOptions o, TrainOptions.SchedulerName name, Optimizer opt) {
        configure(builder, o, name, opt, 1, o.epochs);
    }

    /**
     * Schedules over {@code totalSteps} optimizer steps of which {@code stepsPerEpoch} make an
     * epoch, stepped per epoch when {@code stepsPerEpoch == 1} and per batch otherwise (used
     * when runs of different epoch lengths must follow the same curve).
     */
    static void configure(TrainerOptions<?> builder, TrainOptions o, TrainOptions.SchedulerName name, Optimizer opt,
                          int stepsPerEpoch, int totalSteps) {
        LRScheduler schedule = schedule(o, name, opt, stepsPerEpoch, totalSteps);
        if (schedule != null) {
            builder.scheduler(schedule, stepsPerEpoch == 1 ? SchedulerInterval.EPOCH : SchedulerInterval.BATCH);
        }
        if (name == TrainOptions.SchedulerName.plateau) {
            if (stepsPerEpoch != 1) {
                throw new IllegalArgumentException("--scheduler plateau needs a validation loss per epoch; "
                        + "this command trains without one, choose another schedule");
            }
            builder.plateau(ReduceLROnPlateau.builder(opt).factor(0.5).patience(1).build(), "val_loss");
        }
    }

    /**
     * The per-epoch schedule over {@code o.epochs} epochs for a loop that steps it itself (the Spark
     * trainer), or null for none; {@code plateau} is refused (that loop has no plateau hook).
     */
    static LRScheduler perEpoch(TrainOptions o, TrainOptions.SchedulerName name, Optimizer opt) {
        if (name == TrainOptions.SchedulerName.plateau) {
            throw new IllegalArgumentException("--scheduler plateau is not available with --spark; choose another schedule");
        }
        return schedule(o, name, opt, 1, o.epochs);
    }

    /** Warm-up then the named schedule (either may be absent), over {@code totalSteps} steps. */
    private static LRScheduler schedule(TrainOptions o, TrainOptions.SchedulerName name, Optimizer opt,
                                        int stepsPerEpoch, int totalSteps) {
        if (o.warmup < 0 || o.warmup >= o.epochs) {
            throw new IllegalArgumentException("--warmup must be in [0, epochs), got " + o.warmup + " with " + o.epochs
                    + " epochs");
        }
        int warmup = o.warmup * stepsPerEpoch;
        int n = Math.max(1, totalSteps - warmup);
        BaseLRScheduler warm = warmup > 0 ? new LinearLR(opt, 0.1, 1.0, warmup) : null;
        BaseLRScheduler main = switch (name) {
            case none, plateau -> null;
            case step -> new StepLR(opt, Math.max(1, n / 3), 0.1);
            case exponential -> new ExponentialLR(opt, Math.pow(0.8, 1.0 / stepsPerEpoch));
            case linear -> new LinearLR(opt, 1.0, 0.01, n);
            case cosine -> new CosineAnnealingLR(opt, n, 0);
        };
        if (warm != null && main != null) {
            return new SequentialLR(opt, List.of(warm, main), new int[] {warmup});
        }
        return warm != null ? warm : main;
    }

    /** Validates {@code --class-weights}: one non-negative weight per class. */
    static float[] checkWeights(float[] w, int classes) {
        if (w.length != classes) {
            throw new IllegalArgumentException("--class-weights needs " + classes + " values, got " + w.length + ": "
                    + Arrays.toString(w));
        }
        for (float v : w) {
            if (!(v >= 0) || Float.isInfinite(v)) {
                throw new IllegalArgumentException("--class-weights must be finite and >= 0, got " + Arrays.toString(w));
            }
        }
        return w;
    }
}
