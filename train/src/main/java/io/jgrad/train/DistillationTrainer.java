package io.jgrad.train;

import io.jgrad.autograd.Variable;
import io.jgrad.data.Dataset;
import io.jgrad.nn.Losses;
import io.jgrad.nn.Module;
import java.util.ArrayList;
import java.util.List;

/**
 * Knowledge distillation (Hinton, Vinyals and Dean 2015, "Distilling the Knowledge in a Neural
 * Network"): a small student learns from a trained teacher's softened outputs,
 * {@code L = α·T²·KL(softmax(t/T) ‖ softmax(s/T)) + (1−α)·CE(s, y)}.
 *
 * <p>The teacher stays in evaluation mode and never receives a gradient; by default its logits
 * are computed once per example under {@code noGrad} and cached. An optional unlabelled
 * <em>transfer set</em> adds batches on which the student learns from the soft targets alone
 * ({@code α = 1}, no labels) — useful when labels are scarce but inputs are plentiful. Labelled
 * and transfer batches are interleaved at random within each epoch.
 *
 * <pre>{@code
 * History h = DistillationTrainer.builder().teacher(teacher).model(student)
 *         .optimizer(Adam.builder(student.parameters()).lr(1e-3).build())
 *         .temperature(4).alpha(0.9).epochs(10).batchSize(128)
 *         .build().fit(train, test);
 * }</pre>
 */
public final class DistillationTrainer {
    private final Builder o;

    private DistillationTrainer(Builder b) {
        this.o = b;
    }

    /** A builder; defaults: temperature 4, α 0.9, no class weights, no transfer set, cached teacher logits. */
    public static Builder builder() {
        return new Builder();
    }

    /** The student being trained. */
    public Module student() {
        return o.model;
    }

    /**
     * Trains the student on {@code train} (labelled; may be null when a transfer set is given)
     * plus the transfer set, validating on {@code validation} (may be null).
     */
    public History fit(Dataset train, Dataset validation) {
        if (train == null && o.transferSet == null) {
            throw new IllegalArgumentException("DistillationTrainer.fit: train is null and no transfer set is given");
        }
        TrainingLoop loop = new TrainingLoop(o);
        boolean teacherWasTraining = o.teacher.isTraining();
        o.teacher.eval();
        try {
            List<TrainingLoop.Stream> streams = new ArrayList<>();
            if (train != null) {
                TeacherLogits t = teacherLogits(train);
                streams.add(new TrainingLoop.Stream(loop.loader(train, 0), true,
                        (batch, logits) -> labeledLoss(logits, t.forBatch(batch), batch.labels())));
            }
            if (o.transferSet != null) {
                TeacherLogits t = teacherLogits(o.transferSet);
                streams.add(new TrainingLoop.Stream(loop.loader(o.transferSet, 1), false,
                        (batch, logits) -> Losses.distillation(logits, t.forBatch(batch), null, o.temperature, 1.0)));
            }
            return loop.run(streams, validation, validationLoss());
        } finally {
            o.teacher.train(teacherWasTraining);
        }
    }

    /** Loss, accuracy, per-class accuracy and confusion matrix of the student on {@code data}. */
    public Evaluation evaluate(Dataset data) {
        return Evaluator.evaluate(o.model, data, validationLoss(), o.evalBatchSize);
    }

    private TeacherLogits teacherLogits(Dataset data) {
        return o.cacheTeacherLogits ? TeacherLogits.cached(o.teacher, data, o.evalBatchSize)
                : TeacherLogits.onTheFly(o.teacher);
    }

    /**
     * The distillation loss on labelled data; with class weights the hard-label term is
     * PyTorch's weighted cross-entropy and the soft term is unweighted.
     */
    private Variable labeledLoss(Variable student, Variable teacher, int[] labels) {
        if (o.classWeights == null) {
            return Losses.distillation(student, teacher, labels, o.temperature, o.alpha);
        }
        double t = o.temperature;
        Variable soft = Losses.klDivergence(student.mul(1 / t).logSoftmax(1),
                Variable.constant(teacher.mul(1 / t).softmax(1).value()));
        Variable hard = Losses.crossEntropy(student, labels, o.classWeights);
        return soft.mul(o.alpha * t * t).add(hard.mul(1 - o.alpha));
    }

    private LossFunction validationLoss() {
        return o.classWeights == null ? LossFunction.crossEntropy() : LossFunction.crossEntropy(o.classWeights);
    }

    /** Options of a {@link DistillationTrainer}: the shared ones (the model is the student) plus these. */
    public static final class Builder extends TrainerOptions<Builder> {
        private Module teacher;
        private double temperature = 4;
        private double alpha = 0.9;
        private float[] classWeights;
        private Dataset transferSet;
        private boolean cacheTeacherLogits = true;

        private Builder() {
        }

        /** The trained teacher (required); it is put in eval mode and never updated. */
        public Builder teacher(Module teacher) {
            this.teacher = teacher;
            return this;
        }

        /** The softmax temperature {@code T > 0} (default 4). */
        public Builder temperature(double temperature) {
            if (!(temperature > 0) || Double.isInfinite(temperature)) {
                throw new IllegalArgumentException("DistillationTrainer.temperature: must be positive and finite, got "
                        + temperature);
            }
            this.temperature = temperature;
            return this;
        }

        /** Weight {@code α ∈ [0, 1]} of the soft-target term on labelled data (default 0.9). */
        public Builder alpha(double alpha) {
            if (!(alpha >= 0 && alpha <= 1)) {
                throw new IllegalArgumentException("DistillationTrainer.alpha: must be in [0, 1], got " + alpha);
            }
            this.alpha = alpha;
            return this;
        }

        /** Class weights of the hard-label cross-entropy and of the validation loss (default none). */
        public Builder classWeights(float[] classWeights) {
            this.classWeights = classWeights == null ? null : classWeights.clone();
            return this;
        }

        /** Unlabelled inputs learned from the teacher's soft targets alone (labels ignored; default none). */
        public Builder transferSet(Dataset transferSet) {
            this.transferSet = transferSet;
            return this;
        }

        /** Compute the teacher's logits once per example (default true) or per batch. */
        public Builder cacheTeacherLogits(boolean cache) {
            this.cacheTeacherLogits = cache;
            return this;
        }

        public DistillationTrainer build() {
            checkRequired("DistillationTrainer");
            if (teacher == null) {
                throw new IllegalStateException("DistillationTrainer: teacher is not set; call .teacher(...) before build()");
            }
            if (teacher == model) {
                throw new IllegalArgumentException("DistillationTrainer: teacher and model are the same module; the teacher must be"
                        + " a separate, trained model");
            }
            Builder snapshot = copyInto(new Builder());
            snapshot.teacher = teacher;
            snapshot.temperature = temperature;
            snapshot.alpha = alpha;
            snapshot.classWeights = classWeights == null ? null : classWeights.clone();
            snapshot.transferSet = transferSet;
            snapshot.cacheTeacherLogits = cacheTeacherLogits;
            return new DistillationTrainer(snapshot);
        }
    }
}
