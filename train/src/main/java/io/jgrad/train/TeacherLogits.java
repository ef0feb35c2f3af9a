package io.jgrad.train;

import io.jgrad.autograd.NoGrad;
import io.jgrad.autograd.Variable;
import io.jgrad.data.Batch;
import io.jgrad.data.DataLoader;
import io.jgrad.data.Dataset;
import io.jgrad.nn.Module;

/**
 * A teacher's logits for the examples of one data set, computed in evaluation mode without a
 * graph: either all at once up front and cached per example ({@code cached}, one forward pass
 * over the data instead of one per epoch), or batch by batch on the fly.
 */
final class TeacherLogits {
    private final Module teacher;
    private final float[] cache;
    private final int classes;

    private TeacherLogits(Module teacher, float[] cache, int classes) {
        this.teacher = teacher;
        this.cache = cache;
        this.classes = classes;
    }

    /** Runs the teacher over {@code data} once and keeps its {@code [N, C]} logits. */
    static TeacherLogits cached(Module teacher, Dataset data, int batchSize) {
        float[] all = null;
        int classes = 0;
        try (NoGrad g = Variable.noGrad()) {
            for (Batch b : DataLoader.builder(data).batchSize(batchSize).build()) {
                float[] logits = teacher.forward(Variable.constant(b.features())).value().toFloatArray();
                if (all == null) {
                    classes = logits.length / b.size();
                    all = new float[data.size() * classes];
                }
                System.arraycopy(logits, 0, all, b.indices()[0] * classes, logits.length);
            }
        }
        return new TeacherLogits(teacher, all, classes);
    }

    /** Computes the teacher's logits per batch when asked. */
    static TeacherLogits onTheFly(Module teacher) {
        return new TeacherLogits(teacher, null, 0);
    }

    /** The teacher's logits for {@code batch} as a constant {@code [B, C]} (never receives a gradient). */
    Variable forBatch(Batch batch) {
        if (cache == null) {
            try (NoGrad g = Variable.noGrad()) {
                return Variable.constant(teacher.forward(Variable.constant(batch.features())).value());
            }
        }
        int[] idx = batch.indices();
        float[] out = new float[idx.length * classes];
        for (int r = 0; r < idx.length; r++) {
            System.arraycopy(cache, idx[r] * classes, out, r * classes, classes);
        }
        return Variable.constant(Dataset.matrix(out, idx.length, classes));
    }
}
