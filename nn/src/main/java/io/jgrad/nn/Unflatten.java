package io.jgrad.nn;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Shapes;
import java.util.Arrays;

/**
 * Splits dimension {@code dim} into {@code sizes}, PyTorch's {@code nn.Unflatten}: e.g. flat
 * Fashion-MNIST rows {@code [N, 784]} into images {@code [N, 1, 28, 28]} with {@code Unflatten(1, 1, 28, 28)}.
 */
public class Unflatten extends Module {
    private final int dim;
    private final long[] sizes;

    public Unflatten(int dim, long... sizes) {
        if (sizes.length == 0) {
            throw new IllegalArgumentException("Unflatten: needs at least one size");
        }
        this.dim = dim;
        this.sizes = sizes.clone();
    }

    /** The dimension that is split (may be negative, counted from the end). */
    public int dim() {
        return dim;
    }

    /** The sizes it is split into (a copy). */
    public long[] sizes() {
        return sizes.clone();
    }

    @Override
    public Variable forward(Variable x) {
        long[] s = x.shape();
        int d = Shapes.axis("Unflatten", dim, Math.max(s.length, 1));
        if (s.length == 0 || Shapes.size(sizes) != s[d]) {
            throw new IllegalArgumentException("Unflatten(" + dim + ", " + Arrays.toString(sizes) + ").forward: sizes do not"
                    + " multiply to dimension " + dim + " of input " + Shapes.str(s));
        }
        long[] out = new long[s.length - 1 + sizes.length];
        System.arraycopy(s, 0, out, 0, d);
        System.arraycopy(sizes, 0, out, d, sizes.length);
        System.arraycopy(s, d + 1, out, d + sizes.length, s.length - d - 1);
        return x.reshape(out);
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim + ", unflattened_size=(" + String.join(", ", Arrays.stream(sizes).mapToObj(Long::toString).toList()) + ")";
    }
}
