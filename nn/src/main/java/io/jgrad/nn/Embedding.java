package io.jgrad.nn;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.NdArrays;
import io.jgrad.tensor.backend.Transfers;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A lookup table of {@code num} vectors of size {@code dim}, PyTorch's {@code nn.Embedding}:
 * weight {@code [num, dim]} initialised N(0, 1); an index tensor of any shape maps to
 * {@code [..., dim]}. The backward adds each output row's gradient onto the row it came from
 * (ND4J's {@code scatter_add}, so repeated indices accumulate), on either backend.
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

    /** Looks up integer-valued {@code indices} of any shape (their values, e.g. from a Tensor of 3, 0, 7). */
    @Override
    public Variable forward(Variable indices) {
        double[] v = indices.value().toDoubleArray();
        int[] idx = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            idx[i] = (int) v[i];
            if (idx[i] != v[i]) {
                throw new IllegalArgumentException("Embedding(" + num + ", " + dim + ").forward: index " + v[i]
                        + " at position " + i + " of " + Shapes.str(indices.shape()) + " is not an integer");
            }
        }
        long[] shape = Arrays.copyOf(indices.shape(), indices.shape().length + 1);
        shape[shape.length - 1] = dim;
        return lookup(idx).reshape(shape);
    }

    /** The rows {@code indices} of the table, {@code [indices.length, dim]}. */
    public Variable lookup(int... indices) {
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= num) {
                throw new IllegalArgumentException("Embedding(" + num + ", " + dim + "): index " + indices[i]
                        + " at position " + i + " is out of range [0, " + num + ")");
            }
        }
        INDArray w = weight.value().array();
        INDArray rows = indices.length == 0 ? NdArrays.zeros(w.dataType(), 0, dim) : NdArrays.rows(w, indices);
        INDArray at = Transfers.upload(indices);
        return Variable.fromOp("embedding", rows, g -> {
            return new INDArray[] {NdArrays.scatterAddRows(NdArrays.zeros(w.dataType(), w.shape()), at, g)};
        }, weight);
    }

    @Override
    protected String extraRepr() {
        return num + ", " + dim;
    }
}
