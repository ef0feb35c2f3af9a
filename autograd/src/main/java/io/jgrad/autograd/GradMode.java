package io.jgrad.autograd;

/**
 * Per-thread switches of the engine: whether ops record a graph (off inside {@link NoGrad}
 * scopes) and whether anomaly detection is on. Thread-local, so one thread's inference under
 * {@code noGrad()} never stops another thread's training from recording.
 */
final class GradMode {
    private static final ThreadLocal<int[]> NO_GRAD_DEPTH = ThreadLocal.withInitial(() -> new int[1]);
    private static final ThreadLocal<int[]> ANOMALY_DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private GradMode() {
    }

    static boolean isRecording() {
        return NO_GRAD_DEPTH.get()[0] == 0;
    }

    static void enterNoGrad() {
        NO_GRAD_DEPTH.get()[0]++;
    }

    static void exitNoGrad() {
        int[] d = NO_GRAD_DEPTH.get();
        if (d[0] > 0) {
            d[0]--;
        }
    }

    static boolean anomalyDetection() {
        return ANOMALY_DEPTH.get()[0] > 0;
    }

    static void enterAnomaly() {
        ANOMALY_DEPTH.get()[0]++;
    }

    static void exitAnomaly() {
        int[] d = ANOMALY_DEPTH.get();
        if (d[0] > 0) {
            d[0]--;
        }
    }
}
