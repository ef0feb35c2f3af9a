package io.jgrad.tensor;

import io.jgrad.tensor.backend.Dense;
import io.jgrad.tensor.backend.HostSpan;
import io.jgrad.tensor.backend.Nd4jBroadcasts;
import io.jgrad.tensor.backend.Parallel;
import io.jgrad.tensor.backend.Transfers;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The small element-wise kernels of a layer's forward and backward (bias add, ReLU and its
 * mask, column sums) as JVM loops over float32 memory ({@link HostChunks}): one pass and a
 * couple of microseconds, where an ND4J call costs 10-40 µs of set-up alone, which for the
 * activations of a small model is most of the work. Other types and layouts fall back to the
 * equivalent ND4J ops, so every method works on any array. Kernels of the {@code cpu} backend,
 * called only through its {@code Ops}.
 */
public final class Kernels {
    private static final boolean[] OUT = {false, true};
    private static final boolean[] THIRD = {false, false, true};
    /** A gather of at least this many values is split in two (64 Ki values: 256 KB, ~0.07 ms on one core). */
    public static final int GATHER_SPLIT_FLOATS = 1 << 16;

    private Kernels() {
    }

    /** {@code y[i, j] += b[j]} in place, for {@code y [N, C]} and {@code b [C]}. */
    public static INDArray addRowVector(INDArray y, INDArray b) {
        if (!Dense.float32(y) || !Dense.float32(b) || y.rank() != 2 || b.length() != y.size(1)) {
            return Nd4jBroadcasts.rowAddi(y, b);
        }
        int cols = (int) b.length();
        float[] bias = new float[cols];
        Transfers.hostView(b).get(0, bias);
        HostSpan yb = Transfers.hostView(y);
        float[] row = new float[cols];
        for (int r = 0, rows = (int) y.size(0); r < rows; r++) {
            int at = r * cols;
            yb.get(at, row);
            for (int j = 0; j < cols; j++) {
                row[j] += bias[j];
            }
            yb.put(at, row);
        }
        return y;
    }

    /** {@code out = max(x, 0)} into {@code out} (same shape); a NaN input stays NaN, as in PyTorch. */
    public static INDArray relu(INDArray x, INDArray out) {
        if (!Dense.float32All(x, out)) {
            return out.assign(Transforms.relu(x, true));
        }
        HostChunks.run("relu", (c, n) -> {
            float[] xs = c[0];
            float[] o = c[1];
            for (int i = 0; i < n; i++) {
                o[i] = Math.max(xs[i], 0f);       // NaN stays NaN, -0 becomes 0
            }
        }, OUT, x, out);
        return out;
    }

    /**
     * The ReLU backward {@code dst = beta·dst + (out > 0 ? g : 0)} from the forward output
     * {@code out} and the output gradient {@code g} (all the same shape). A NaN output passes
     * the gradient on, as PyTorch's {@code threshold_backward} does (on the fast path).
     */
    public static INDArray reluBackward(INDArray out, INDArray g, INDArray dst, double beta) {
        if (!Dense.float32All(out, g, dst)) {
            INDArray masked = Transforms.step(out, true).muli(g);
            return beta == 0 ? dst.assign(masked) : dst.muli(beta).addi(masked);
        }
        float b = (float) beta;
        HostChunks.Kernel kernel = beta == 0
                ? (c, n) -> {
                    float[] o = c[0];
                    float[] gs = c[1];
                    float[] d = c[2];
                    for (int i = 0; i < n; i++) {
                        d[i] = passIfPositive(o[i], gs[i]);
                    }
                }
                : (c, n) -> {
                    float[] o = c[0];
                    float[] gs = c[1];
                    float[] d = c[2];
                    for (int i = 0; i < n; i++) {
                        d[i] = b * d[i] + passIfPositive(o[i], gs[i]);
                    }
                };
        HostChunks.run("relu backward", kernel, THIRD, out, g, dst);
        return dst;
    }

    /**
     * {@code o > 0 ? g : 0} without a branch (a ReLU mask is a coin flip per element, and
     * mispredicted branches made the plain form 3× slower): the sign-and-zero test is done on
     * the bits of {@code o}, whose mask keeps or clears {@code g}'s bits.
     */
    static float passIfPositive(float o, float g) {
        int b = Float.floatToRawIntBits(o);
        int keep = ~((b | (b - 1)) >> 31);            // all ones iff b > 0, i.e. o > 0 (or +NaN)
        return Float.intBitsToFloat(Float.floatToRawIntBits(g) & keep);
    }

    /** {@code dst[j] = beta·dst[j] + Σ_i g[i, j]} for {@code g [N, C]}, {@code dst [C]} (float sums, row by row). */
    public static INDArray columnSums(INDArray g, INDArray dst, double beta) {
        // g is only read: a reshaped view of a dense array (a Linear on [..., in], an LSTM's gates) is fine
        if (!Dense.readableRowMajor(g) || g.dataType() != org.nd4j.linalg.api.buffer.DataType.FLOAT || !Dense.float32(dst) || g.rank() != 2
                || dst.length() != g.size(1)) {
            INDArray s = g.sum(0).reshape(dst.shape());
            return beta == 0 ? dst.assign(s) : dst.muli(beta).addi(s);
        }
        int cols = (int) dst.length();
        float[] acc = new float[cols];
        float[] row = new float[cols];
        HostSpan gb = Transfers.hostView(g);
        for (int r = 0, rows = (int) g.size(0); r < rows; r++) {
            gb.get(r * cols, row);
            for (int j = 0; j < cols; j++) {
                acc[j] += row[j];
            }
        }
        HostSpan db = Transfers.hostView(dst);
        if (beta != 0) {
            db.get(0, row);
        }
        for (int j = 0; j < cols; j++) {
            row[j] = beta == 0 ? acc[j] : (float) beta * row[j] + acc[j];
        }
        db.put(0, row);
        return dst;
    }

    /**
     * The elements of {@code a} in row-major order as doubles: for dense float32 arrays one bulk
     * copy and a widening loop (ND4J's {@code asDouble()} reads element by element, ~20× slower).
     */
    public static double[] toDoubles(INDArray a) {
        return Transfers.readDoubles(a);
    }

    /** Copies {@code src} into the dense float32 array {@code dst} of as many elements, one bulk copy. */
    public static void write(float[] src, INDArray dst) {
        if (!Dense.float32(dst) || dst.length() != src.length) {
            throw new IllegalArgumentException("Kernels.write: " + src.length + " values into "
                    + Shapes.str(dst.shape()) + " " + dst.dataType() + "; needs a dense float32 array of as many");
        }
        if (src.length > 0) {
            Transfers.hostView(dst).put(0, src);
        }
    }

    /**
     * Copies rows {@code rows[from..to)} of the row-major matrix {@code source} into consecutive
     * rows of the dense float32 array {@code dst}, each straight into native memory. Batches of at
     * least {@link #GATHER_SPLIT_FLOATS} values are copied in parts on the cores ({@link Parallel}):
     * the rows of a shuffled batch lie anywhere in a data set of hundreds of MB, so the copy waits on
     * memory (~3.8 GB/s on one core here: 0.105 ms for W1's and W2's 128×784 batch, bench/README.md
     * "MLP loops, sixth pass"), and a second core's misses overlap the first's. A copy: the values
     * do not depend on the cut.
     */
    public static void gatherRows(float[] source, int rowLength, int[] rows, int from, int to, INDArray dst) {
        if (!Dense.float32(dst) || dst.length() != (long) (to - from) * rowLength) {
            throw new IllegalArgumentException("Kernels.gatherRows: destination " + Shapes.str(dst.shape())
                    + " does not hold " + (to - from) + " dense float32 rows of " + rowLength);
        }
        long grain = Math.max(1, GATHER_SPLIT_FLOATS / 2 / Math.max(1, rowLength));
        Parallel.forRange("gatherRows", to - from, grain, (r0, r1) -> {
            HostSpan out = Transfers.hostView(dst);
            for (int r = from + (int) r0, end = from + (int) r1; r < end; r++) {
                out.put((r - from) * rowLength, source, rows[r] * rowLength, rowLength);
            }
        });
    }

    /**
     * {@code out = set ? value : x} for dense float32 {@code x} and {@code out} of one shape,
     * {@code set} repeating every {@code set.length} elements (a mask broadcast over x's leading
     * dimensions); one bulk read and write per repetition.
     */
    public static INDArray maskedFill(INDArray x, boolean[] set, float value, INDArray out) {
        int p = set.length;
        if (!Dense.float32All(x, out) || x.length() % p != 0) {
            throw new IllegalArgumentException("Kernels.maskedFill: needs dense float32 arrays of one length, a multiple"
                    + " of the mask's " + p + " elements; got " + Shapes.str(x.shape()) + ", " + Shapes.str(out.shape()));
        }
        HostSpan xb = Transfers.hostView(x);
        HostSpan ob = Transfers.hostView(out);
        float[] row = new float[p];
        for (int at = 0, n = (int) x.length(); at < n; at += p) {
            xb.get(at, row);
            for (int j = 0; j < p; j++) {
                if (set[j]) {
                    row[j] = value;
                }
            }
            ob.put(at, row);
        }
        return out;
    }

    /**
     * {@code out[k, :] = weight[ids[k], :]} for dense float32 {@code weight [num, dim]} and
     * {@code out [ids.length, dim]} (the ids already validated): an embedding lookup, the table
     * read once to the heap and each row written with one bulk copy.
     */
    public static INDArray gatherRows(INDArray weight, long[] ids, INDArray out) {
        int dim = (int) weight.size(1);
        float[] table = new float[(int) weight.length()];
        Transfers.hostView(weight).get(0, table);
        HostSpan ob = Transfers.hostView(out);
        for (int k = 0; k < ids.length; k++) {
            ob.put(k * dim, table, (int) ids[k] * dim, dim);
        }
        return out;
    }

    /**
     * {@code dw[ids[k], :] += g[k, :]} into a zeroed dense float32 {@code dw [num, dim]} from
     * dense float32 {@code g [ids.length, dim]}: an embedding's weight gradient (repeated ids
     * accumulate), summed on the heap in float as ND4J's {@code scatter_add} does.
     */
    public static INDArray scatterAddRows(INDArray g, long[] ids, INDArray dw) {
        int dim = (int) dw.size(1);
        float[] grads = new float[(int) g.length()];
        Transfers.hostView(g).get(0, grads);
        float[] acc = new float[(int) dw.length()];
        for (int k = 0; k < ids.length; k++) {
            int row = (int) ids[k] * dim;
            int from = k * dim;
            for (int j = 0; j < dim; j++) {
                acc[row + j] += grads[from + j];
            }
        }
        Transfers.hostView(dw).put(0, acc);
        return dw;
    }
}
