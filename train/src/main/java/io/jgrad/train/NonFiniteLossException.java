package io.jgrad.train;

/**
 * Training produced a NaN or infinite loss. The update of that batch was not applied, and any
 * checkpoint saved earlier is untouched.
 */
public class NonFiniteLossException extends IllegalStateException {
    private final int epoch;
    private final int batch;

    public NonFiniteLossException(String message, int epoch, int batch) {
        super(message);
        this.epoch = epoch;
        this.batch = batch;
    }

    /** The 1-based epoch in which the loss diverged. */
    public int epoch() {
        return epoch;
    }

    /** The 1-based batch within that epoch. */
    public int batch() {
        return batch;
    }
}
