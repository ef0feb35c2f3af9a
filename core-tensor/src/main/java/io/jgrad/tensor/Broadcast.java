package io.jgrad.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * NumPy broadcasting: the result shape of a binary op, and the reverse step autograd needs,
 * summing a gradient of the broadcast shape back down to an input's own shape.
 */
public final class Broadcast {
    private Broadcast() {
    }

    /**
     * The shape {@code a op b} has under NumPy's rules (align right, 1 stretches).
     *
     * @throws IllegalArgumentException naming {@code op} and both shapes when they do not broadcast
     */
    public static long[] shape(String op, long[] a, long[] b) {
        int rank = Math.max(a.length, b.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            long db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + Shapes.str(a) + " and " + Shapes.str(b)
                        + " are not broadcastable (dimension " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * {@code a} viewed with leading 1s up to {@code rank}. ND4J sizes some mixed-rank results
     * wrongly (e.g. {@code [4,1] + [3]} fails), but broadcasts operands of equal rank correctly.
     */
    public static INDArray withRank(INDArray a, int rank) {
        if (a.rank() == rank) {
            return a;
        }
        long[] shape = new long[rank];
        java.util.Arrays.fill(shape, 1);
        System.arraycopy(a.shape(), 0, shape, rank - a.rank(), a.rank());
        return a.reshape('c', shape);
    }

    /**
     * Sums {@code grad} (of a broadcast result's shape) over the dimensions that broadcasting
     * stretched, so it matches {@code shape}. Returns {@code grad} itself when nothing was stretched.
     */
    public static INDArray reduceTo(INDArray grad, long[] shape) {
        long[] g = grad.shape();
        if (java.util.Arrays.equals(g, shape)) {
            return grad;
        }
        int lead = g.length - shape.length;
        if (lead < 0) {
            throw new IllegalArgumentException("broadcast reduction: gradient " + Shapes.str(g)
                    + " has lower rank than the input " + Shapes.str(shape));
        }
        int count = 0;
        int[] dims = new int[g.length];
        for (int i = 0; i < g.length; i++) {
            if (i < lead || (shape[i - lead] == 1 && g[i] != 1)) {
                dims[count++] = i;
            } else if (shape[i - lead] != g[i]) {
                throw new IllegalArgumentException("broadcast reduction: gradient " + Shapes.str(g)
                        + " does not broadcast from " + Shapes.str(shape));
            }
        }
        INDArray summed = count == 0 ? grad : grad.sum(true, java.util.Arrays.copyOf(dims, count));
        return summed.reshape('c', shape);
    }
}
