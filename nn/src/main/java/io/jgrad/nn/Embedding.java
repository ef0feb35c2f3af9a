package io.jgrad.nn;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.DType;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.Checks;
import io.jgrad.tensor.backend.Ops;
import io.jgrad.tensor.backend.NdArrays;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A lookup table of {@code num} vectors of size {@code dim}, PyTorch's {@code nn.Embedding}:
 * weight {@code [num, dim]} initialised N(0, 1); an INT64 index tensor of any shape maps to
 * {@code [..., dim]} (token ids {@code [N, T]} give {@code [N, T, dim]}). The lookup and its
 * backward, which adds each output row's gradient onto the row it came from (repeated indices
 * accumulate), are the backend's {@link Ops#embedding} and {@link Ops#embeddingBackward}.
 *
 * <pre>{@code
 * Embedding emb = new Embedding(1000, 64);
 * Variable vectors = emb.lookup(3, 14, 15);   // [3, 64]
 * }</pre>
 */
public class Embedding extends Module {
    private final int num;
    private final int dim;
    private final Parameter weight;

    public Embedding(int numEmbeddings, int embeddingDim) {
        this(numEmbeddings, embeddingDim, Rng.global());
    }

    public Embedding(int numEmbeddings, int embeddingDim, Rng rng) {
        if (numEmbeddings <= 0 || embeddingDim <= 0) {
            throw new IllegalArgumentException("Embedding: sizes must be positive, got num_embeddings=" + numEmbeddings
                    + ", embedding_dim=" + embeddingDim);
        }
        this.num = numEmbeddings;
        this.dim = embeddingDim;
        this.weight = registerParameter("weight", new Parameter(Tensor.zeros(numEmbeddings, embeddingDim)));
        Init.normal(weight.value(), 0, 1, rng);
    }

    public Parameter weight() {
        return weight;
    }

    public int numEmbeddings() {
        return num;
    }

    public int embeddingDim() {
        return dim;
    }

    /**
     * Looks up INT64 {@code indices} of any shape, giving {@code [..., dim]} (PyTorch's
     * {@code embedding(indices)}). Float indices holding whole numbers are still accepted for
     * code written before INT64 tensors existed, but are deprecated: build indices with
     * {@code Tensor.ofLongs}.
     *
     * @throws IllegalArgumentException naming an index outside {@code [0, num)} and its position,
     *         or a float index that is not a whole number
     */
    @Override
    public Variable forward(Variable indices) {
        Tensor idx = indices.value();
        return embedding(idx.dtype() == DType.INT64 ? idx : Tensor.ofLongs(wholeNumbers(idx), idx.shape()), weight);
    }

    /** The rows {@code indices} of the table, {@code [indices.length, dim]}. */
    public Variable lookup(int... indices) {
        long[] ids = new long[indices.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = indices[i];
        }
        return gather(name(), weight, Tensor.ofLongs(ids, ids.length));
    }

    /**
     * PyTorch's {@code F.embedding(indices, weight)}: the rows of {@code weight [num, dim]} named
     * by the INT64 {@code indices} of any shape, {@code [..., dim]}, as one graph node whose
     * backward scatter-adds into the weight's gradient.
     *
     * @throws IllegalArgumentException for indices that are not INT64, a weight that is not 2-d,
     *         or an index outside {@code [0, num)} (naming it and its position)
     */
    public static Variable embedding(Tensor indices, Variable weight) {
        long[] ws = weight.shape();
        if (ws.length != 2) {
            throw new IllegalArgumentException("embedding: weight must be [num, dim], got " + Shapes.str(ws));
        }
        if (indices.dtype() != DType.INT64) {
            throw new IllegalArgumentException("embedding: indices must be INT64, got " + indices.dtype()
                    + Shapes.str(indices.shape()));
        }
        long[] shape = indices.shape();
        long[] out = Arrays.copyOf(shape, shape.length + 1);
        out[shape.length] = ws[1];
        String name = "Embedding(" + ws[0] + ", " + ws[1] + ")";
        return gather(name, weight, indices).reshape(out);
    }

    /**
     * One graph node: the rows named by the INT64 {@code indices}, backward scatter-adding into
     * the weight. The indices are checked from the range {@code Tensor.ofLongs} recorded (no
     * transfer; an index tensor computed on the device is read once to check it), and the
     * lookup reads them where they are.
     */
    private static Variable gather(String name, Variable weight, Tensor indices) {
        INDArray w = weight.value().array();
        long num = w.size(0);
        long count = indices.size();
        if (count == 0) {
            return Variable.fromOp("embedding", NdArrays.zeros(w.dataType(), 0, w.size(1)),
                    g -> new INDArray[] {NdArrays.zeros(w.dataType(), w.shape())}, weight);
        }
        Checks.indices(name, indices, num);
        INDArray at = indices.array().reshape('c', new long[] {count});
        Ops ops = Ops.get();
        return Variable.fromOp("embedding", ops.embedding(w, at),
                g -> new INDArray[] {ops.embeddingBackward(g.dup('c'), at, num)}, weight);
    }

    /** Float indices that are whole numbers, as longs (the deprecated input form). */
    private long[] wholeNumbers(Tensor idx) {
        double[] v = idx.toDoubleArray();
        long[] ids = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            ids[i] = (long) v[i];
            if (ids[i] != v[i]) {
                throw new IllegalArgumentException(name() + ".forward: index " + v[i] + " at position "
                        + Shapes.position(i, idx.shape()) + " of " + Shapes.str(idx.shape())
                        + " is not an integer; pass INT64 indices (Tensor.ofLongs)");
            }
        }
        return ids;
    }

    private String name() {
        return "Embedding(" + num + ", " + dim + ")";
    }

    @Override
    protected String extraRepr() {
        return num + ", " + dim;
    }
}
