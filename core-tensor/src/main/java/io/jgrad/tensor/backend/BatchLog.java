package io.jgrad.tensor.backend;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A float64 table {@code [rows, columns]} in ND4J memory into which a training or evaluation
 * loop writes each batch's numbers (its loss, its right predictions, the targets it scored)
 * with device operations, and which it reads into the JVM only at its sync points (an epoch's
 * end, a checkpoint, a progress report): one transfer for any number of rows, so that on a GPU
 * the device is never stopped to learn a batch's loss. The static methods make the predicted and
 * the true classes of a batch on the device, in the INT64 form {@link #putCorrect} compares.
 */
public final class BatchLog {
    private final INDArray table;
    private final INDArray counts;      // [cells, 1] float64 running counts (a confusion matrix), or null
    private double[] countsRead = new double[0];

    /** A table of zeros. */
    public BatchLog(int rows, int columns) {
        this(rows, columns, 0);
    }

    /** A table of zeros and {@code counts} running counts (for {@link #addConfusion}), all read together. */
    public BatchLog(int rows, int columns, int counts) {
        if (rows < 0 || columns <= 0 || counts < 0) {
            throw new IllegalArgumentException("BatchLog: needs rows >= 0, columns > 0 and counts >= 0, got " + rows
                    + " x " + columns + ", " + counts);
        }
        this.table = Nd4j.zeros(DataType.DOUBLE, Math.max(rows, 1), columns);
        this.counts = counts == 0 ? null : Nd4j.zeros(DataType.DOUBLE, counts, 1);
    }

    /** Sets cell {@code (row, column)} to the one-element array {@code value}, on the device (no transfer). */
    public void put(int row, int column, INDArray value) {
        if (value.length() != 1) {
            throw new IllegalArgumentException("BatchLog.put: needs a one-element value, got shape "
                    + java.util.Arrays.toString(value.shape()));
        }
        cell(row, column).assign(value.reshape().castTo(DataType.DOUBLE));
    }

    /**
     * Sets cell {@code (row, column)} to how many of {@code predicted} equal {@code actual} where
     * {@code actual} is not {@code ignoreIndex}, and cell {@code (row, column + 1)} to how many
     * {@code actual} values are not {@code ignoreIndex}: INT64 arrays of one length, on the device.
     */
    public void putCorrect(int row, int column, INDArray predicted, INDArray actual, long ignoreIndex) {
        INDArray p = flat(predicted);
        INDArray a = flat(actual);
        if (p.length() != a.length()) {
            throw new IllegalArgumentException("accuracy: " + p.length() + " predictions for " + a.length() + " targets");
        }
        INDArray counted = a.neq(ignoreIndex).castTo(DataType.DOUBLE);
        cell(row, column).assign(p.eq(a).castTo(DataType.DOUBLE).muli(counted).sum());
        cell(row, column + 1).assign(counted.sum());
    }

    /**
     * Sets cells {@code (row, column)} and {@code (row, column + 1)} to {@code Σ(p − t)²} and
     * {@code Σ|p − t|} over the elements of {@code prediction} and {@code target} (equal
     * shapes), computed in float64 on the device.
     */
    public void putErrors(int row, int column, INDArray prediction, INDArray target) {
        INDArray d = flat(prediction).castTo(DataType.DOUBLE).subi(flat(target).castTo(DataType.DOUBLE));
        cell(row, column).assign(d.mul(d).sum());
        cell(row, column + 1).assign(NdArrays.abs(d).sum());
    }

    /**
     * Rows {@code [from, to)} in the JVM, and the running counts with them ({@link #counts()}):
     * one transfer (none when both are empty).
     */
    public double[][] read(int from, int to) {
        int columns = (int) table.size(1);
        double[][] out = new double[Math.max(0, to - from)][columns];
        if (out.length == 0 && counts == null) {
            return out;
        }
        INDArray rows = out.length == 0 ? null
                : table.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).dup('c').reshape('c', new long[] {(long) out.length * columns});
        INDArray both = rows == null ? counts.reshape('c', new long[] {counts.length()})
                : counts == null ? rows : Nd4j.concat(0, rows, counts.reshape('c', new long[] {counts.length()}));
        double[] flat = Transfers.readDoubles(both);
        for (int r = 0; r < out.length; r++) {
            System.arraycopy(flat, r * columns, out[r], 0, columns);
        }
        if (counts != null) {
            countsRead = java.util.Arrays.copyOfRange(flat, out.length * columns, flat.length);
        }
        return out;
    }

    /** The running counts as of the last {@link #read}. */
    public double[] counts() {
        return countsRead.clone();
    }

    /** The arg-max over the last dimension of {@code [..., C]} scores, INT64 of the leading size (first index on ties). */
    public static INDArray argMaxLast(INDArray scores) {
        long c = scores.size(scores.rank() - 1);
        return Nd4j.argMax(scores.reshape('c', new long[] {scores.length() / c, c}), 1).castTo(DataType.LONG);
    }

    /** 1 where {@code x > threshold} ({@code x >= threshold} when {@code inclusive}), else 0, as INT64. */
    public static INDArray above(INDArray x, double threshold, boolean inclusive) {
        return (inclusive ? x.gte(threshold) : x.gt(threshold)).castTo(DataType.LONG);
    }

    /**
     * Adds one to running count {@code actual[i]·k + predicted[i]} (a row-major {@code k × k}
     * confusion matrix) for every {@code i} whose {@code actual} is not {@code ignoreIndex}; the
     * log needs {@code k·k + 1} counts, the last one taking the ignored positions. On the
     * device, no transfer.
     */
    public void addConfusion(INDArray predicted, INDArray actual, long ignoreIndex, int k) {
        if (counts == null || counts.length() != (long) k * k + 1) {
            throw new IllegalStateException("BatchLog.addConfusion: needs " + ((long) k * k + 1) + " counts for " + k
                    + " classes, the log has " + (counts == null ? 0 : counts.length()));
        }
        INDArray p = flat(predicted);
        INDArray a = flat(actual);
        INDArray counted = a.neq(ignoreIndex).castTo(DataType.LONG);
        INDArray skipped = counted.rsub(1).muli((long) k * k);
        INDArray at = a.mul(k).addi(p).muli(counted).addi(skipped);
        NdArrays.scatterAddRows(counts, at, Nd4j.ones(DataType.DOUBLE, at.length(), 1));
    }

    private INDArray cell(int row, int column) {
        return table.get(NDArrayIndex.point(row), NDArrayIndex.point(column));
    }

    private static INDArray flat(INDArray a) {
        return a.reshape('c', new long[] {a.length()});
    }
}
