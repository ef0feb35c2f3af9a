package io.jgrad.train;

/** What a trainer does when a batch's loss is NaN or infinite. */
public enum NonFiniteLoss {
    /** Log an error, skip the update, end training and return the history (default). */
    STOP,
    /** Throw a {@link NonFiniteLossException}. */
    THROW
}
