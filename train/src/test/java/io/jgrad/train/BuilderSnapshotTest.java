package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.data.Dataset;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.Adam;
import io.jgrad.optim.Optimizer;
import io.jgrad.optim.ReduceLROnPlateau;
import io.jgrad.optim.StepLR;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * The trainers' builders are snapshotted at build(): the trainer keeps a private copy of every
 * option, so calling any setter afterwards changes nothing in it. The options are read by
 * reflection, so an option added later that build() forgets to copy, or that these tests forget
 * to change, fails here.
 */
class BuilderSnapshotTest {
    /** Every option field of a trainer builder (its own and TrainerOptions'), lists and arrays copied. */
    private static Map<String, Object> options(Object builder) throws IllegalAccessException {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Class<?> c = builder.getClass(); c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                f.setAccessible(true);
                Object v = f.get(builder);
                out.put(c.getSimpleName() + "." + f.getName(), v instanceof List<?> l ? new ArrayList<>(l)
                        : v instanceof float[] a ? a.clone() : v);
            }
        }
        return out;
    }

    /** The builder copy a trainer keeps. */
    private static Object snapshotOf(Object trainer, Class<?> builderType) throws IllegalAccessException {
        for (Field f : trainer.getClass().getDeclaredFields()) {
            if (f.getType() == builderType) {
                f.setAccessible(true);
                return f.get(trainer);
            }
        }
        throw new AssertionError(trainer.getClass().getSimpleName() + " keeps no " + builderType.getSimpleName());
    }

    private static void assertSameOptions(Map<String, Object> expected, Map<String, Object> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> assertTrue(Objects.deepEquals(v, actual.get(k)), k + " changed: " + v + " -> " + actual.get(k)));
    }

    private static void assertEveryOptionChanged(Map<String, Object> before, Map<String, Object> after) {
        before.forEach((k, v) -> assertFalse(Objects.deepEquals(v, after.get(k)),
                k + " is not changed by this test; add its setter to the mutation"));
    }

    private final Sequential[] models = {Fixtures.mlp(1, 8), Fixtures.mlp(2, 8)};
    private final Optimizer[] optimizers = {Adam.builder(models[0].parameters()).build(), Adam.builder(models[1].parameters()).build()};

    /** Sets every shared option to variant {@code v} (0 or 1) of a non-default value. */
    private <B extends TrainerOptions<B>> B shared(B b, int v) {
        Optimizer opt = optimizers[v];
        return b.model(models[v]).optimizer(opt).epochs(3 + v).steps(5 + v).batchSize(9 + v).shuffle(v == 1).dropLast(v == 0)
                .seed(11 + v).scheduler(new StepLR(opt, 2, 0.5), SchedulerInterval.values()[1 - v])
                .plateau(ReduceLROnPlateau.builder(opt).build(), v == 0 ? "val_loss" : "val_acc").clipGradNorm(2.0 + v)
                .callbacks(new LrLogger()).progress(Progress.none()).onNonFiniteLoss(NonFiniteLoss.values()[1 - v])
                .evalBatchSize(17 + v).checkpoint(Path.of("ckpt" + v), 3 + v).resumeFrom(Path.of("resume" + v))
                .tensorBoard(Path.of("tb" + v));
    }

    /**
     * Options set to variant 0 before build() and variant 1 after: every option must differ
     * between the defaults, variant 0 and variant 1, and the trainer must hold variant 0.
     */
    private static void assertSnapshotted(Object fresh, Object builder, Runnable toVariant1, Object trainer) throws Exception {
        Map<String, Object> variant0 = options(builder);
        assertEveryOptionChanged(options(fresh), variant0);
        toVariant1.run();
        assertEveryOptionChanged(variant0, options(builder));
        assertSameOptions(variant0, options(snapshotOf(trainer, builder.getClass())));
    }

    @Test
    void trainerKeepsItsOptions() throws Exception {
        Trainer.Builder b = shared(Trainer.builder(), 0).loss(LossFunction.crossEntropy(new float[] {1, 2})).validationSplit(0.1);
        Trainer trainer = b.build();
        assertSnapshotted(Trainer.builder(), b, () -> shared(b, 1).loss(LossFunction.crossEntropy(new float[] {2, 1})).validationSplit(0.2), trainer);
    }

    @Test
    void distillationTrainerKeepsItsOptions() throws Exception {
        Dataset.Split data = Fixtures.problem();
        DistillationTrainer.Builder b = shared(DistillationTrainer.builder(), 0).teacher(Fixtures.mlp(3, 8)).temperature(2)
                .alpha(0.5).classWeights(new float[] {3, 1}).transferSet(data.first()).cacheTeacherLogits(false);
        DistillationTrainer trainer = b.build();
        assertSnapshotted(DistillationTrainer.builder(), b, () -> shared(b, 1).teacher(Fixtures.mlp(4, 8)).temperature(3)
                .alpha(0.25).classWeights(new float[] {1, 3}).transferSet(data.second()).cacheTeacherLogits(true), trainer);
    }

    @Test
    void aTrainerRunsTheEpochsItWasBuiltWith() {
        Dataset.Split data = Fixtures.problem();
        Trainer.Builder b = Fixtures.trainer(Fixtures.mlp(5, 8), 0.01).epochs(2).progress(Progress.none());
        Trainer trainer = b.build();
        b.epochs(1);
        assertEquals(2, trainer.fit(data.first().head(64), null).epochs().size());
    }
}
