package io.jgrad.tensor;

import java.util.Arrays;

/** Small shape helpers shared by every module: formatting, element counts, axis normalisation. */
public final class Shapes {
    private Shapes() {
    }

    /** {@code [2, 3]}, the way error messages print a shape. */
    public static String str(long[] shape) {
        return Arrays.toString(shape);
    }

    /** The number of elements a shape holds (1 for a scalar's empty shape). */
    public static long size(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Checks that every dimension is non-negative; {@code op} names the caller in the message. */
    public static void checkValid(String op, long[] shape) {
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(op + ": negative dimension in shape " + str(shape));
            }
        }
    }

    /**
     * Turns a possibly negative axis (PyTorch style, -1 is the last) into {@code 0..rank-1}.
     *
     * @throws IllegalArgumentException naming {@code op} when the axis is out of range
     */
    public static int axis(String op, int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for a tensor of rank " + rank);
        }
        return a;
    }

    /** A shape of {@code rank} ones but {@code size} at {@code axis}: a per-channel vector laid along that axis, to broadcast. */
    public static long[] along(int rank, int axis, long size) {
        long[] shape = new long[rank];
        java.util.Arrays.fill(shape, 1);
        shape[axis] = size;
        return shape;
    }

    /**
     * Resolves one {@code -1} in a reshape target against {@code size} elements.
     *
     * @throws IllegalArgumentException naming both shapes when the sizes cannot match
     */
    public static long[] inferReshape(String op, long[] from, long[] to) {
        long size = size(from);
        long known = 1;
        int infer = -1;
        for (int i = 0; i < to.length; i++) {
            if (to[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException(op + ": only one dimension may be -1, got " + str(to));
                }
                infer = i;
            } else if (to[i] < 0) {
                throw new IllegalArgumentException(op + ": invalid dimension " + to[i] + " in " + str(to));
            } else {
                known *= to[i];
            }
        }
        long[] out = to.clone();
        if (infer >= 0) {
            if (known == 0 || size % known != 0) {
                throw new IllegalArgumentException(op + ": cannot reshape " + str(from) + " to " + str(to));
            }
            out[infer] = size / known;
        }
        if (size(out) != size) {
            throw new IllegalArgumentException(op + ": cannot reshape " + str(from) + " (" + size
                    + " elements) to " + str(to) + " (" + size(out) + " elements)");
        }
        return out;
    }

    /** The position of row-major element {@code flat} in {@code shape}, as {@code [i, j, ...]} for messages. */
    public static String position(long flat, long[] shape) {
        long[] at = new long[shape.length];
        long rest = flat;
        for (int d = shape.length - 1; d >= 0; d--) {
            at[d] = shape[d] == 0 ? 0 : rest % shape[d];
            rest = shape[d] == 0 ? rest : rest / shape[d];
        }
        return str(at);
    }
}
