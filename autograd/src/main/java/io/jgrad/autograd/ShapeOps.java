package io.jgrad.autograd;

import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.backend.NdArrays;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The shape op family: the same elements in another arrangement. Backwards apply the inverse
 * rearrangement to the gradient.
 */
final class ShapeOps {
    private ShapeOps() {
    }

    static Variable reshape(Variable x, long... shape) {
        INDArray a = x.value().array();
        long[] target = Shapes.inferReshape("reshape", a.shape(), shape);
        long[] from = a.shape();
        return Variable.fromOp("reshape", a.reshape('c', target), g -> new INDArray[] {g.reshape('c', from)}, x);
    }

    static Variable transpose(Variable x) {
        INDArray a = x.value().array();
        if (a.rank() != 2) {
            throw new IllegalArgumentException("transpose: needs a 2-d Variable, got shape " + Shapes.str(a.shape()));
        }
        return Variable.fromOp("transpose", a.transpose().dup('c'), g -> new INDArray[] {g.transpose().dup('c')}, x);
    }

    static Variable transpose(Variable x, int dim0, int dim1) {
        int rank = x.value().rank();
        int a = Shapes.axis("transpose", dim0, rank);
        int b = Shapes.axis("transpose", dim1, rank);
        int[] order = identity(rank);
        order[a] = b;
        order[b] = a;
        return permuteResolved("transpose", x, order);
    }

    static Variable permute(Variable x, int... dims) {
        int rank = x.value().rank();
        if (dims.length != rank) {
            throw new IllegalArgumentException("permute: " + Arrays.toString(dims) + " does not name each of the "
                    + rank + " dimensions of " + Shapes.str(x.shape()) + " once");
        }
        int[] order = new int[rank];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < rank; i++) {
            order[i] = Shapes.axis("permute", dims[i], rank);
            if (seen[order[i]]) {
                throw new IllegalArgumentException("permute: dimension " + dims[i] + " repeats in " + Arrays.toString(dims)
                        + " for " + Shapes.str(x.shape()));
            }
            seen[order[i]] = true;
        }
        return permuteResolved("permute", x, order);
    }

    private static Variable permuteResolved(String op, Variable x, int[] order) {
        int[] inverse = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            inverse[order[i]] = i;
        }
        INDArray a = x.value().array();
        return Variable.fromOp(op, a.permute(order).dup('c'), g -> new INDArray[] {g.permute(inverse).dup('c')}, x);
    }

    static Variable unsqueeze(Variable x, int dim) {
        long[] s = x.shape();
        int d = Shapes.axis("unsqueeze", dim, s.length + 1);
        long[] out = new long[s.length + 1];
        for (int i = 0, k = 0; i < out.length; i++) {
            out[i] = i == d ? 1 : s[k++];
        }
        return reshape(x, out);
    }

    static Variable squeeze(Variable x, int dim) {
        long[] s = x.shape();
        int d = Shapes.axis("squeeze", dim, Math.max(s.length, 1));
        if (s.length == 0 || s[d] != 1) {
            return x;                                    // PyTorch leaves a dimension of size > 1 alone
        }
        long[] out = new long[s.length - 1];
        for (int i = 0, k = 0; i < s.length; i++) {
            if (i != d) {
                out[k++] = s[i];
            }
        }
        return reshape(x, out);
    }

    static Variable narrow(Variable x, int dim, long start, long length) {
        long[] s = x.shape();
        int d = Shapes.axis("narrow", dim, s.length);
        long from = start < 0 ? start + s[d] : start;
        if (from < 0 || length < 0 || from + length > s[d]) {
            throw new IllegalArgumentException("narrow: start " + start + " and length " + length
                    + " do not fit dimension " + dim + " of size " + s[d] + " in " + Shapes.str(s));
        }
        INDArray a = x.value().array();
        INDArrayIndex[] at = slice(s.length, d, from, from + length);
        return Variable.fromOp("narrow", a.get(at).dup('c'), g -> {
            INDArray dx = NdArrays.zeros(a.dataType(), s);
            dx.get(at).assign(g);
            return new INDArray[] {dx};
        }, x);
    }

    static Variable cat(int dim, Variable... xs) {
        if (xs == null || xs.length == 0) {
            throw new IllegalArgumentException("cat: needs at least one Variable");
        }
        long[] first = xs[0].shape();
        int d = Shapes.axis("cat", dim, Math.max(first.length, 1));
        long[] offsets = new long[xs.length + 1];
        INDArray[] arrays = new INDArray[xs.length];
        for (int i = 0; i < xs.length; i++) {
            long[] si = xs[i].shape();
            boolean fits = si.length == first.length && si.length > 0;
            for (int k = 0; fits && k < si.length; k++) {
                fits = k == d || si[k] == first[k];
            }
            if (!fits) {
                throw new IllegalArgumentException("cat: along dim " + dim + ", input " + i + " " + Shapes.str(si)
                        + " does not match input 0 " + Shapes.str(first) + " outside that dimension");
            }
            ElementwiseOps.checkSameType("cat", xs[0], xs[i]);
            arrays[i] = xs[i].value().array();
            offsets[i + 1] = offsets[i] + si[d];
        }
        INDArray out = xs.length == 1 ? arrays[0].dup('c') : NdArrays.concat(d, arrays);
        return Variable.fromOp("cat", out, g -> {
            INDArray[] grads = new INDArray[xs.length];
            for (int i = 0; i < xs.length; i++) {
                grads[i] = xs[i].requiresGrad() ? g.get(slice(first.length, d, offsets[i], offsets[i + 1])).dup('c') : null;
            }
            return grads;
        }, xs);
    }

    static Variable stack(int dim, Variable... xs) {
        if (xs == null || xs.length == 0) {
            throw new IllegalArgumentException("stack: needs at least one Variable");
        }
        long[] first = xs[0].shape();
        int d = Shapes.axis("stack", dim, first.length + 1);
        Variable[] lifted = new Variable[xs.length];
        for (int i = 0; i < xs.length; i++) {
            if (!Arrays.equals(xs[i].shape(), first)) {
                throw new IllegalArgumentException("stack: input " + i + " " + Shapes.str(xs[i].shape())
                        + " differs from input 0 " + Shapes.str(first) + "; all must have one shape");
            }
            lifted[i] = unsqueeze(xs[i], d);
        }
        return cat(d, lifted);
    }

    private static INDArrayIndex[] slice(int rank, int dim, long from, long to) {
        INDArrayIndex[] at = new INDArrayIndex[rank];
        for (int i = 0; i < rank; i++) {
            at[i] = i == dim ? NDArrayIndex.interval(from, to) : NDArrayIndex.all();
        }
        return at;
    }

    private static int[] identity(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }
}
