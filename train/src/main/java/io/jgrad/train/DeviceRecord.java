package io.jgrad.train;

import io.jgrad.autograd.Variable;
import io.jgrad.data.Batch;
import io.jgrad.tensor.backend.BatchLog;

/**
 * The numbers of an epoch's batches on the {@code nd4j} backend, kept where the device computed
 * them (a {@link BatchLog}: loss, right predictions, scored targets per batch) and read into the
 * {@link EpochTally} only at the loop's sync points: the epoch's end, a mid-epoch checkpoint, a
 * progress report. One transfer per sync instead of two or three per batch, so on a GPU no batch
 * waits for the one before it to come back to the JVM. The price is that a non-finite loss is
 * seen at the next sync, not at its batch: {@link #sync} says which batch it was.
 */
final class DeviceRecord {
    private static final int LOSS = 0;
    private static final int CORRECT = 1;        // and COUNTED = 2
    private final BatchLog log;
    private final long[] sizes;
    private final boolean[] scored;
    private int written;
    private int read;

    /** What a sync found: the first batch (0-based within the epoch) whose loss was not finite, or none. */
    record NonFinite(int batch, double loss) {
    }

    /** A record for an epoch of {@code batches} batches whose first {@code done} were taken before (a resumed run). */
    DeviceRecord(int batches, int done) {
        this.log = new BatchLog(batches, 3);
        this.sizes = new long[batches];
        this.scored = new boolean[batches];
        this.written = done;
        this.read = done;
    }

    /** Records batch {@code i}'s loss and, when {@code accuracy}, its right predictions (device operations only). */
    void add(int i, Batch batch, Variable loss, Variable output, Task task, long ignoreIndex, boolean accuracy) {
        log.put(i, LOSS, loss.value().array());
        if (accuracy) {
            log.putCorrect(i, CORRECT, task.predictedOnDevice(output).array(), Task.actualOnDevice(batch).array(),
                    ignoreIndex);
        }
        sizes[i] = batch.size();
        scored[i] = accuracy;
        written = i + 1;
    }

    /**
     * Reads the batches recorded since the last sync (one transfer) and adds them to
     * {@code tally} in order, as the per-batch loop would have; stops at the first non-finite
     * loss and answers it (that batch and the later ones are not added), else null.
     */
    NonFinite sync(EpochTally tally) {
        double[][] rows = log.read(read, written);
        int from = read;
        read = written;
        for (int r = 0; r < rows.length; r++) {
            double loss = rows[r][LOSS];
            if (!Double.isFinite(loss)) {
                return new NonFinite(from + r, loss);
            }
            tally.addLoss(loss, sizes[from + r]);
            if (scored[from + r]) {
                tally.addCorrect((long) rows[r][CORRECT], (long) rows[r][CORRECT + 1]);
            }
        }
        return null;
    }
}
