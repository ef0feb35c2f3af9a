package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.data.Dataset;
import io.jgrad.nn.Parameter;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.Adam;
import io.jgrad.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistillationTrainerTest {
    private static Dataset.Split data;
    private static Sequential teacher;
    private static double teacherAccuracy;

    @BeforeAll
    static void trainTeacher() {
        data = Fixtures.problem();
        teacher = Fixtures.mlp(21, 64);
        Fixtures.trainer(teacher, 1e-2).epochs(8).build().fit(data.first(), null);
        for (Parameter p : teacher.parameters()) {
            p.clearGrad();
        }
        teacherAccuracy = Evaluator.evaluate(teacher, data.second(), LossFunction.crossEntropy()).accuracy();
        assertTrue(teacherAccuracy > 0.9, "teacher accuracy " + teacherAccuracy);
    }

    private static DistillationTrainer.Builder distiller(Sequential student) {
        return DistillationTrainer.builder().teacher(teacher).model(student)
                .optimizer(Adam.builder(student.parameters()).lr(1e-2).build()).batchSize(32).seed(3)
                .progress(Progress.none());
    }

    @Test
    void studentLearnsFromTheTeacherAndTheTeacherIsUntouched() {
        List<Tensor> before = new ArrayList<>();
        for (Parameter p : teacher.parameters()) {
            before.add(p.value().copy());
        }
        teacher.train();
        Sequential student = Fixtures.mlp(22, 8);
        DistillationTrainer d = distiller(student).temperature(4).alpha(0.9).epochs(8).build();
        History h = d.fit(data.first(), data.second());
        double acc = d.evaluate(data.second()).accuracy();
        assertTrue(acc > 0.85, "student accuracy " + acc + ", teacher " + teacherAccuracy);
        assertEquals(acc, h.last().orElseThrow().valAcc(), 1e-12);
        for (int i = 0; i < before.size(); i++) {
            Parameter p = teacher.parameters().get(i);
            assertNull(p.grad(), "the teacher gets no gradient");
            assertArrayEquals(before.get(i).toFloatArray(), p.value().toFloatArray());
        }
        assertTrue(teacher.isTraining(), "the teacher's mode is restored");
    }

    @Test
    void aTransferSetAloneTeachesTheStudentWithoutLabels() {
        Sequential student = Fixtures.mlp(23, 8);
        double chance = Evaluator.evaluate(student, data.second(), LossFunction.crossEntropy()).accuracy();
        // Scramble the transfer set's labels: they must not be used.
        int[] perm = new io.jgrad.tensor.Rng(1).permutation(data.first().size());
        Dataset transfer = Dataset.of(data.first().features(), permute(data.first().labels(), perm));
        DistillationTrainer d = distiller(student).transferSet(transfer).epochs(8).build();
        History h = d.fit(null, data.second());
        assertTrue(Double.isNaN(h.last().orElseThrow().trainAcc()), "no labelled batch, no train accuracy");
        double acc = d.evaluate(data.second()).accuracy();
        assertTrue(acc > 0.85, "student accuracy " + acc + " (untrained " + chance + ")");
    }

    @Test
    void cachedAndOnTheFlyTeacherLogitsGiveTheSameRun() {
        History cached = distiller(Fixtures.mlp(24, 8)).epochs(2).build().fit(data.first(), data.second());
        History live = distiller(Fixtures.mlp(24, 8)).epochs(2).cacheTeacherLogits(false).build()
                .fit(data.first(), data.second());
        for (int e = 0; e < 2; e++) {
            assertEquals(cached.epochs().get(e).trainLoss(), live.epochs().get(e).trainLoss(), 1e-6);
            assertEquals(cached.epochs().get(e).valAcc(), live.epochs().get(e).valAcc());
        }
    }

    @Test
    void classWeightsWithLabelsAndTransferTogether() {
        Sequential student = Fixtures.mlp(25, 8);
        DistillationTrainer d = distiller(student).classWeights(new float[] {1, 1, 1, 4}).alpha(0.5)
                .transferSet(data.second()).epochs(6).build();
        History h = d.fit(data.first().head(200), data.second());
        assertEquals(6, h.epochs().size());
        Evaluation ev = d.evaluate(data.second());
        assertTrue(ev.accuracy() > 0.8, "accuracy " + ev.accuracy());
        assertTrue(ev.perClassAccuracy()[3] > 0.8, "the up-weighted class " + ev.perClassAccuracy()[3]);
    }

    @Test
    void misuseIsReported() {
        Sequential student = Fixtures.mlp(26, 8);
        assertThrows(IllegalStateException.class,
                () -> DistillationTrainer.builder().model(student).optimizer(Adam.builder(student.parameters()).build())
                        .build());
        assertThrows(IllegalArgumentException.class, () -> DistillationTrainer.builder().model(student).teacher(student)
                .optimizer(Adam.builder(student.parameters()).build()).build());
        assertThrows(IllegalArgumentException.class, () -> DistillationTrainer.builder().alpha(1.5));
        assertThrows(IllegalArgumentException.class, () -> DistillationTrainer.builder().temperature(0));
        DistillationTrainer d = distiller(student).build();
        assertThrows(IllegalArgumentException.class, () -> d.fit(null, null));
    }

    private static int[] permute(int[] v, int[] perm) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[perm[i]];
        }
        return out;
    }

    @Test
    void aDistillationRunWithATransferSetResumesBitIdentically(@TempDir Path dir) {
        Sequential whole = Fixtures.mlp(23, 8);
        distiller(whole).transferSet(data.second()).steps(60).build().fit(data.first(), null);

        Path file = dir.resolve("distill.safetensors");
        distiller(Fixtures.mlp(23, 8)).transferSet(data.second()).steps(45).checkpoint(file, 0).build()
                .fit(data.first(), null); // 39 batches an epoch (29 labelled, 10 transfer), stopped in epoch 2
        Sequential resumed = Fixtures.mlp(24, 8);
        distiller(resumed).transferSet(data.second()).steps(60).resumeFrom(file).build().fit(data.first(), null);
        for (int i = 0; i < whole.parameters().size(); i++) {
            assertArrayEquals(whole.parameters().get(i).value().toFloatArray(),
                    resumed.parameters().get(i).value().toFloatArray());
        }
    }
}
