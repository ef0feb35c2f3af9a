package io.jgrad.examples;

import io.jgrad.autograd.Variable;
import io.jgrad.nn.Embedding;
import io.jgrad.nn.LayerNorm;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Module;
import io.jgrad.nn.ModuleList;
import io.jgrad.nn.TransformerEncoderLayer;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.Tensor;

/**
 * The character-level GPT of {@code jgrad lm}: a token embedding plus a learned position
 * embedding, a stack of causal pre-norm {@link TransformerEncoderLayer}s, a final LayerNorm and
 * a linear head to the vocabulary. In PyTorch terms (the keys match):
 * {@code tok = Embedding(V, d)}, {@code pos = Embedding(context, d)},
 * {@code blocks = ModuleList(TransformerEncoderLayer(d, heads, ff, dropout, "gelu",
 * batch_first=True, norm_first=True) × layers)} run with the causal mask, {@code norm = LayerNorm(d)},
 * {@code head = Linear(d, V)}.
 */
final class CharGpt extends Module {
    private final int context;
    private final Embedding tok;
    private final Embedding pos;
    private final ModuleList blocks;
    private final LayerNorm norm;
    private final Linear head;
    private final Tensor positions;    // 0 .. context-1, made once: no host transfer per step

    /** The recipe's sizes: d 128, 4 blocks of 4 heads with feed-forward 512, dropout 0.1, context 128. */
    static CharGpt recipe(int vocab) {
        return new CharGpt(vocab, 128, 128, 4, 4, 512, 0.1);
    }

    CharGpt(int vocab, int context, int dModel, int layers, int heads, int feedForward, double dropout) {
        this.context = context;
        this.tok = registerModule("tok", new Embedding(vocab, dModel));
        this.pos = registerModule("pos", new Embedding(context, dModel));
        this.blocks = registerModule("blocks", new ModuleList());
        for (int i = 0; i < layers; i++) {
            blocks.add(new TransformerEncoderLayer(dModel, heads, feedForward, dropout, "gelu", true, true));
        }
        this.norm = registerModule("norm", new LayerNorm(dModel));
        this.head = registerModule("head", new Linear(dModel, vocab));
        this.positions = Tensor.arange(context);
    }

    /** The longest input this model takes (the position table's size). */
    int context() {
        return context;
    }

    /** Logits {@code [N, T, V]} for the INT64 token ids {@code [N, T]} (T at most the context). */
    @Override
    public Variable forward(Variable tokens) {
        long[] s = tokens.shape();
        if (s.length != 2 || s[1] < 1 || s[1] > context) {
            throw new IllegalArgumentException("CharGpt.forward: expected token ids [N, T] with 1 <= T <= " + context
                    + ", got " + Shapes.str(s));
        }
        Variable ids = Variable.constant(positions);
        Variable h = tok.forward(tokens).add(pos.forward(s[1] == context ? ids : ids.narrow(0, 0, s[1])));
        for (int i = 0; i < blocks.size(); i++) {
            h = blocks.get(i).forward(h);
        }
        return head.forward(norm.forward(h));
    }
}
