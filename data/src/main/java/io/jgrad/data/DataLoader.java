package io.jgrad.data;

import io.jgrad.tensor.Rng;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Walks a {@link Dataset} in mini-batches, like PyTorch's {@code DataLoader}: each call to
 * {@link #iterator()} is one epoch. With {@code shuffle} every epoch draws a fresh permutation
 * from a generator seeded once at construction, so two loaders built with the same seed yield
 * the same batches epoch after epoch. With {@code dropLast} a final short batch is skipped.
 *
 * <pre>{@code
 * DataLoader loader = DataLoader.builder(train).batchSize(128).shuffle(true).seed(42).build();
 * for (Batch b : loader) { ... }
 * }</pre>
 */
public final class DataLoader implements Iterable<Batch> {
    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final Rng rng;

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.dropLast = b.dropLast;
        this.rng = new Rng(b.seed);
    }

    /** A builder with PyTorch's defaults: batch size 1, no shuffling, keep the last batch, seed 0. */
    public static Builder builder(Dataset dataset) {
        return new Builder(dataset);
    }

    /** The data set walked. */
    public Dataset dataset() {
        return dataset;
    }

    /** The batch size. */
    public int batchSize() {
        return batchSize;
    }

    /** Batches per epoch: {@code floor(N/B)} with dropLast, else {@code ceil(N/B)}. */
    public int numBatches() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** Examples per epoch (fewer than N when dropLast drops a short batch). */
    public int numSamples() {
        return dropLast ? numBatches() * batchSize : dataset.size();
    }

    /** One epoch of batches; shuffled epochs each draw the next permutation. */
    @Override
    public Iterator<Batch> iterator() {
        int n = dataset.size();
        int[] order;
        if (shuffle) {
            order = rng.permutation(n);
        } else {
            order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
        }
        int batches = numBatches();
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < batches;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("DataLoader: the epoch has " + batches + " batches");
                }
                int from = next++ * batchSize;
                return dataset.gather(order, from, Math.min(from + batchSize, n));
            }
        };
    }

    /** Options of a {@link DataLoader}; defaults are PyTorch's. */
    public static final class Builder {
        private final Dataset dataset;
        private int batchSize = 1;
        private boolean shuffle;
        private boolean dropLast;
        private long seed;

        private Builder(Dataset dataset) {
            if (dataset == null) {
                throw new IllegalArgumentException("DataLoader.builder: dataset is null");
            }
            this.dataset = dataset;
        }

        /** Examples per batch (default 1). */
        public Builder batchSize(int batchSize) {
            if (batchSize <= 0) {
                throw new IllegalArgumentException("DataLoader.batchSize: must be positive, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** Reshuffle every epoch (default false). */
        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** Skip a final batch smaller than the batch size (default false). */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** Seed of the shuffling generator (default 0). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public DataLoader build() {
            return new DataLoader(this);
        }
    }
}
