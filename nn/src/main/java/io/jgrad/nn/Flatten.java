package io.jgrad.nn;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Shapes;

/**
 * Merges dimensions {@code startDim..endDim} into one (PyTorch's {@code nn.Flatten}, default
 * 1..-1: {@code [N, 1, 28, 28] -> [N, 784]}).
 *
 * <pre>{@code
 * Sequential cnn = new Sequential(new Conv2d(1, 8, 3), new ReLU(), new Flatten(), new Linear(8 * 26 * 26, 10));
 * }</pre>
 */
public class Flatten extends Module {
    private final int startDim;
    private final int endDim;

    /** Flattens everything but the batch dimension. */
    public Flatten() {
        this(1, -1);
    }

    public Flatten(int startDim, int endDim) {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    /** The first merged dimension (may be negative, counted from the end). */
    public int startDim() {
        return startDim;
    }

    /** The last merged dimension (may be negative, counted from the end). */
    public int endDim() {
        return endDim;
    }

    @Override
    public Variable forward(Variable x) {
        long[] s = x.shape();
        int rank = Math.max(s.length, 1);
        int a = Shapes.axis("Flatten", startDim, rank);
        int b = Shapes.axis("Flatten", endDim, rank);
        if (a > b) {
            throw new IllegalArgumentException("Flatten: startDim " + startDim + " comes after endDim " + endDim
                    + " for input " + Shapes.str(s));
        }
        if (s.length == 0) {
            return x.reshape(1);
        }
        long[] out = new long[s.length - (b - a)];
        long merged = 1;
        for (int i = a; i <= b; i++) {
            merged *= s[i];
        }
        int k = 0;
        for (int i = 0; i < s.length; i++) {
            if (i < a || i > b) {
                out[k++] = s[i];
            } else if (i == a) {
                out[k++] = merged;
            }
        }
        return x.reshape(out);
    }

    @Override
    protected String extraRepr() {
        return "start_dim=" + startDim + ", end_dim=" + endDim;
    }
}
