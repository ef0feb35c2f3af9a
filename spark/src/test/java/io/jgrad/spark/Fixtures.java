package io.jgrad.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jgrad.data.Dataset;
import io.jgrad.data.SyntheticClassification;
import io.jgrad.nn.BatchNorm1d;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Module;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.Adam;
import io.jgrad.optim.SGD;
import io.jgrad.tensor.Tensor;
import io.jgrad.train.Progress;
import java.util.Map;

/** The small problem every equivalence test trains: 4 classes, 20 features, N = 2 workers at B = 16. */
final class Fixtures {
    static final int WORKERS = 2;
    static final int BATCH = 16;
    static final float[] CLASS_WEIGHTS = {1f, 2.5f, 0.5f, 4f};

    private Fixtures() {
    }

    /** {@code rows} examples (20 steps of N·B = 32 make 640). */
    static Dataset data(int rows) {
        return SyntheticClassification.builder().samples(rows).features(20).informative(8).redundant(4).classes(4)
                .clustersPerClass(1).classSep(1.0).flipY(0.02).seed(11).build();
    }

    /** A plain MLP (no batch statistics, no dropout: one process at N·B is then the same function). */
    static ModelFactory mlp() {
        return () -> new Sequential(new Linear(20, 16), new ReLU(), new Linear(16, 4));
    }

    /** With BatchNorm and Dropout, exercising per-worker statistics, worker 0's buffers and seeded masks. */
    static ModelFactory mlpWithBatchNormAndDropout() {
        return () -> new Sequential(new Linear(20, 16), new BatchNorm1d(16), new ReLU(), new Dropout(0.2),
                new Linear(16, 4));
    }

    static SparkTrainer.Builder adam(ModelFactory model) {
        return SparkTrainer.builder().model(model).optimizer(p -> Adam.builder(p).lr(1e-2).build())
                .workers(WORKERS).batchSizePerWorker(BATCH).seed(7).progress(Progress.none());
    }

    static SparkTrainer.Builder sgdMomentum(ModelFactory model) {
        return SparkTrainer.builder().model(model)
                .optimizer(p -> SGD.builder(p).lr(0.05).momentum(0.9).build())
                .workers(WORKERS).batchSizePerWorker(BATCH).seed(7).progress(Progress.none());
    }

    /** Every tensor of two state dicts equal bit for bit. */
    static void assertBitForBit(Module expected, Module actual) {
        Map<String, Tensor> e = expected.stateDict();
        Map<String, Tensor> a = actual.stateDict();
        assertEquals(e.keySet(), a.keySet());
        for (String k : e.keySet()) {
            assertArrayEquals(e.get(k).toDoubleArray(), a.get(k).toDoubleArray(), 0.0, k);
        }
    }
}
