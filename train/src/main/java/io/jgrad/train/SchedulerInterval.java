package io.jgrad.train;

/** When a {@link Trainer} steps its learning-rate scheduler. */
public enum SchedulerInterval {
    /** After every epoch, as most PyTorch scripts do ({@code StepLR}, {@code CosineAnnealingLR} over epochs). */
    EPOCH,
    /** After every optimizer step (warm-up and one-cycle schedules counted in batches). */
    BATCH
}
