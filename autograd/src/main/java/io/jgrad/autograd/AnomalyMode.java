package io.jgrad.autograd;

/**
 * Opt-in NaN/Inf detection, like {@code torch.autograd.detect_anomaly()}: inside
 * {@code try (AnomalyMode a = AnomalyMode.enable()) { ... }} every op's forward value and every
 * gradient its backward produces is checked, and the first non-finite one throws a
 * {@link NumericalAnomalyException} naming the op and its shapes. It costs one reduction per op,
 * so it is off by default.
 */
public final class AnomalyMode implements AutoCloseable {
    private boolean closed;

    private AnomalyMode() {
        GradMode.enterAnomaly();
    }

    /** Turns detection on for this thread until {@link #close()}. */
    public static AnomalyMode enable() {
        return new AnomalyMode();
    }

    /** Whether detection is on for the calling thread. */
    public static boolean isEnabled() {
        return GradMode.anomalyDetection();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            GradMode.exitAnomaly();
        }
    }
}
