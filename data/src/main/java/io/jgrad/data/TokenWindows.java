package io.jgrad.data;

import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;

/**
 * Next-token training windows over a sequence of token ids: a window of {@code T + 1} tokens
 * starting at {@code s} gives the inputs {@code tokens[s, s+T)} and the targets
 * {@code tokens[s+1, s+T+1)} (each position's next token), both INT64 {@code [T]}. Batches are
 * {@code [B, T]} inputs with {@code [B, T]} targets, for an LM's per-token cross entropy:
 * random windows ({@link #randomBatch}, starts uniform over every valid start) for training,
 * and evenly spread fixed windows ({@link #fixed}) for a repeatable validation loss.
 */
public final class TokenWindows {
    private final long[] tokens;
    private final int length;
    private final int vocabSize;

    /**
     * Windows of {@code length + 1} tokens over {@code tokens} (copied), ids in {@code [0, vocabSize)}.
     *
     * @throws IllegalArgumentException when the sequence is shorter than one window or holds an
     *         id outside {@code [0, vocabSize)}
     */
    public TokenWindows(long[] tokens, int length, int vocabSize) {
        if (length <= 0 || vocabSize <= 0) {
            throw new IllegalArgumentException("TokenWindows: length (" + length + ") and vocabSize (" + vocabSize
                    + ") must be positive");
        }
        if (tokens == null || tokens.length < length + 1) {
            throw new IllegalArgumentException("TokenWindows: a window needs " + (length + 1) + " tokens, the sequence has "
                    + (tokens == null ? 0 : tokens.length));
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocabSize) {
                throw new IllegalArgumentException("TokenWindows: token " + tokens[i] + " at position " + i
                        + " is outside [0, " + vocabSize + ")");
            }
        }
        this.tokens = tokens.clone();
        this.length = length;
        this.vocabSize = vocabSize;
    }

    /** The inputs per window T (a window spans T + 1 tokens). */
    public int length() {
        return length;
    }

    /** How many windows fit: {@code n − T} (starts {@code 0 .. n − T − 1}). */
    public int numStarts() {
        return tokens.length - length;
    }

    /** {@code batchSize} windows at starts drawn uniformly from {@code [0, n − T − 1]} with {@code rng}. */
    public Batch randomBatch(Rng rng, int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("TokenWindows.randomBatch: batchSize must be positive, got " + batchSize);
        }
        int[] starts = new int[batchSize];
        for (int b = 0; b < batchSize; b++) {
            starts[b] = rng.nextInt(numStarts());
        }
        return batch(starts);
    }

    /**
     * {@code count} windows spread evenly: window {@code i} starts at
     * {@code floor(i·(n − T − 1) / (count − 1))}, so the first starts at 0 and the last ends at
     * the sequence's end (the {@code lm} recipe's 64 validation windows); one window starts at 0.
     */
    public int[] fixedStarts(int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("TokenWindows.fixedStarts: count must be positive, got " + count);
        }
        long last = numStarts() - 1L;
        int[] starts = new int[count];
        for (int i = 0; i < count; i++) {
            starts[i] = count == 1 ? 0 : (int) (i * last / (count - 1));
        }
        return starts;
    }

    /** The {@link #fixedStarts} windows as a data set: inputs and targets INT64 {@code [count, T]}. */
    public Dataset fixed(int count) {
        Batch b = batch(fixedStarts(count));
        return Dataset.of(b.features(), b.targets(), vocabSize);
    }

    /** The windows at {@code starts}: inputs and targets INT64 {@code [B, T]} ({@code indices} are the starts). */
    public Batch batch(int... starts) {
        long[] x = new long[starts.length * length];
        long[] y = new long[starts.length * length];
        for (int b = 0; b < starts.length; b++) {
            if (starts[b] < 0 || starts[b] >= numStarts()) {
                throw new IllegalArgumentException("TokenWindows.batch: start " + starts[b] + " is outside [0, "
                        + numStarts() + ")");
            }
            System.arraycopy(tokens, starts[b], x, b * length, length);
            System.arraycopy(tokens, starts[b] + 1, y, b * length, length);
        }
        return Batch.ofTargets(Tensor.ofLongs(x, starts.length, length), Tensor.ofLongs(y, starts.length, length),
                starts.clone());
    }

    /** Every window with a start that is a multiple of {@code stride}, as a data set (e.g. for a Trainer's epochs). */
    public Dataset all(int stride) {
        if (stride <= 0) {
            throw new IllegalArgumentException("TokenWindows.all: stride must be positive, got " + stride);
        }
        int[] starts = new int[(numStarts() + stride - 1) / stride];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = i * stride;
        }
        Batch b = batch(starts);
        return Dataset.of(b.features(), b.targets(), vocabSize);
    }
}
