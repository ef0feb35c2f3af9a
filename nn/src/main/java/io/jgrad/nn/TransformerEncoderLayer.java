package io.jgrad.nn;

import io.jgrad.autograd.Variable;

/**
 * One Transformer encoder block (Vaswani et al., 2017) as PyTorch's
 * {@code nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout, activation,
 * batch_first=True, norm_first)}: self-attention and a two-layer feed-forward network, each
 * with dropout and a residual connection, and LayerNorm (eps 1e-5) after each (post-norm) or
 * before each (pre-norm, {@code normFirst}). Keys are PyTorch's ({@code self_attn.*},
 * {@code linear1.*}, {@code linear2.*}, {@code norm1.*}, {@code norm2.*}). A layer built
 * {@code causal} applies the causal mask in {@link #forward(Variable)}, so a {@link Sequential}
 * can hold a causal language model.
 */
public class TransformerEncoderLayer extends Module {
    private final String activation;
    private final boolean normFirst;
    private final boolean causal;
    private final MultiheadAttention selfAttn;
    private final Linear linear1;
    private final Dropout dropout;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final Dropout dropout1;
    private final Dropout dropout2;

    /** A layer whose {@link #forward(Variable)} is not causal. */
    public TransformerEncoderLayer(int dModel, int nhead, int dimFeedforward, double dropout, String activation,
                                   boolean normFirst) {
        this(dModel, nhead, dimFeedforward, dropout, activation, normFirst, false);
    }

    /**
     * A layer whose {@link #forward(Variable)} applies the causal mask when {@code causal}.
     *
     * @throws IllegalArgumentException for an activation other than "relu" or "gelu", or bad sizes
     */
    public TransformerEncoderLayer(int dModel, int nhead, int dimFeedforward, double dropout, String activation,
                                   boolean normFirst, boolean causal) {
        if (!"relu".equals(activation) && !"gelu".equals(activation)) {
            throw new IllegalArgumentException("TransformerEncoderLayer: activation must be \"relu\" or \"gelu\", got "
                    + (activation == null ? "null" : "\"" + activation + "\""));
        }
        if (dimFeedforward <= 0) {
            throw new IllegalArgumentException("TransformerEncoderLayer: dimFeedforward must be positive, got " + dimFeedforward);
        }
        this.activation = activation;
        this.normFirst = normFirst;
        this.causal = causal;
        this.selfAttn = registerModule("self_attn", new MultiheadAttention(dModel, nhead));
        this.linear1 = registerModule("linear1", new Linear(dModel, dimFeedforward));
        this.dropout = registerModule("dropout", new Dropout(dropout));
        this.linear2 = registerModule("linear2", new Linear(dimFeedforward, dModel));
        this.norm1 = registerModule("norm1", new LayerNorm(dModel));
        this.norm2 = registerModule("norm2", new LayerNorm(dModel));
        this.dropout1 = registerModule("dropout1", new Dropout(dropout));
        this.dropout2 = registerModule("dropout2", new Dropout(dropout));
    }

    /** The block applied to {@code x [N, L, dModel]}, causal if the layer was built so. */
    @Override
    public Variable forward(Variable x) {
        return forward(x, causal);
    }

    /** The block applied to {@code x [N, L, dModel]}, with the causal mask when {@code causal}. */
    public Variable forward(Variable x, boolean causal) {
        if (normFirst) {
            Variable h = x.add(attention(norm1.forward(x), causal));
            return h.add(feedForward(norm2.forward(h)));
        }
        Variable h = norm1.forward(x.add(attention(x, causal)));
        return norm2.forward(h.add(feedForward(h)));
    }

    private Variable attention(Variable x, boolean causal) {
        return dropout1.forward(selfAttn.forward(x, x, x, causal));
    }

    private Variable feedForward(Variable x) {
        Variable a = linear1.forward(x);
        a = "relu".equals(activation) ? a.relu() : a.gelu();
        return dropout2.forward(linear2.forward(dropout.forward(a)));
    }

    /** The feed-forward activation, "relu" or "gelu". */
    public String activation() {
        return activation;
    }

    /** Whether LayerNorm comes before each sub-block (pre-norm). */
    public boolean normFirst() {
        return normFirst;
    }

    /** Whether {@link #forward(Variable)} is causal. */
    public boolean causal() {
        return causal;
    }
}
