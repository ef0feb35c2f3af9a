package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jgrad.data.Dataset;
import io.jgrad.nn.BatchNorm1d;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.Embedding;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Module;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.Adam;
import io.jgrad.optim.AdamW;
import io.jgrad.optim.StepLR;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import io.jgrad.tensor.backend.Backend;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Trainer's share of the device path (issue 18): on the {@code nd4j} backend an epoch of
 * {@code Trainer.fit} reads a constant number of values back into the JVM however many batches
 * it has (the losses and accuracy counts stay on the device until the epoch's end; validation is
 * read once per evaluation), and uploads only each batch's data, as PyTorch's
 * {@code batch.to(device)} does. Each model is fitted for one epoch of K and of 3K batches; the
 * reads must be equal and the uploads must differ by exactly the 2K extra batches' data:
 * <ul>
 *   <li>class labels: the features (one gather), the labels' one-hot for the loss and the labels
 *       for the accuracy count, 3 uploads a batch;</li>
 *   <li>INT64 tokens: the input ids and the target ids, 2 uploads a batch (the accuracy compares
 *       the targets where they already are).</li>
 * </ul>
 * Skipped on {@code cpu}, whose host kernels read native memory by design.
 */
class TrainerDevicePathTest {
    private static final int K = 4;
    private static final int BATCH = 16;

    @BeforeEach
    void onTheNd4jBackend() {
        assumeTrue(Backend.current() == Backend.ND4J, "the constant reads per epoch are the nd4j backend's contract");
    }

    @Test
    void mlpWithBatchNormDropoutAdamAndSchedulerReadsAConstantNumberPerEpoch() {
        Dataset validation = classes(64, 99);
        assertConstantReads(3, batches -> classes(batches * BATCH, 1), train -> {
            Rng rng = new Rng(7);
            Module model = new Sequential(new Linear(20, 16, true, rng), new BatchNorm1d(16), new ReLU(),
                    new Dropout(0.2, rng.split()), new Linear(16, 4, true, rng));
            Adam opt = Adam.builder(model.parameters()).lr(0.01).build();
            Trainer t = Trainer.builder().model(model).optimizer(opt).scheduler(new StepLR(opt, 2, 0.5), SchedulerInterval.BATCH).epochs(1).batchSize(BATCH).seed(3)
                    .progress(Progress.epochs()).build();
            return t.fit(train, validation);
        });
    }

    @Test
    void tokenModelWithInt64TargetsIgnoreIndexAdamWAndClippingReadsAConstantNumberPerEpoch() {
        Dataset validation = tokens(8, 99);
        assertConstantReads(2, batches -> tokens(batches * BATCH, 1), train -> {
            Module model = new Sequential(new Embedding(6, 8, new Rng(5)), new Linear(8, 6, true, new Rng(6)));
            Trainer t = Trainer.builder().model(model).optimizer(AdamW.builder(model.parameters()).lr(0.01).build())
                    .clipGradNorm(1.0).epochs(1).batchSize(BATCH).seed(3).progress(Progress.epochs()).build();
            return t.fit(train, validation);
        });
    }

    /**
     * Fits one epoch of {@code data(K)} and of {@code data(3K)} batches (after a warm-up fit):
     * equal reads, at most two (the epoch's sums and the validation's), and
     * {@code uploadsPerBatch} uploads for each extra batch.
     */
    private static void assertConstantReads(int uploadsPerBatch, IntFunction<Dataset> data, Function<Dataset, History> fit) {
        Dataset few = data.apply(K);
        Dataset many = data.apply(3 * K);
        fit.apply(few);                                 // warm-up: class loading, lazily made constants
        long[] k = counted(() -> fit.apply(few));
        long[] k3 = counted(() -> fit.apply(many));
        System.out.printf("TrainerDevicePathTest: reads %d (K) / %d (3K), uploads %d / %d, K = %d%n", k[0], k3[0], k[1],
                k3[1], K);
        assertEquals(k[0], k3[0], "reads into the JVM for " + K + " vs " + 3 * K + " batches");
        assertTrue(k[0] <= 2, "reads per fit (the epoch's sums, the validation's): " + k[0]);
        assertEquals(2L * K * uploadsPerBatch, k3[1] - k[1], "uploads for " + 2 * K + " more batches");
    }

    /** The reads and uploads {@code run} makes, after building its model and data. */
    private static long[] counted(java.util.function.Supplier<History> run) {
        long reads = Backend.hostReads();
        long uploads = Backend.hostUploads();
        History h = run.get();
        long[] made = {Backend.hostReads() - reads, Backend.hostUploads() - uploads};
        EpochStats e = h.last().orElseThrow();
        assertTrue(Double.isFinite(e.trainLoss()) && e.trainAcc() >= 0 && Double.isFinite(e.valLoss()), e.toString());
        return made;
    }

    /** {@code n} examples of 20 features in 4 classes. */
    private static Dataset classes(int n, long seed) {
        float[] x = new Rng(seed).normal(n * 20, 0, 1);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 4;
            x[i * 20 + y[i]] += 2;
        }
        return Dataset.of(x, 20, y, 4);
    }

    /** {@code n} windows of 5 tokens in 6 classes, the next token as the target, some ignored (-100). */
    private static Dataset tokens(int n, long seed) {
        Rng rng = new Rng(seed);
        long[] x = new long[n * 5];
        long[] y = new long[n * 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextInt(6);
            y[i] = i % 7 == 3 ? -100 : (x[i] + 1) % 6;
        }
        return Dataset.of(Tensor.ofLongs(x, n, 5), Tensor.ofLongs(y, n, 5), 6);
    }
}
