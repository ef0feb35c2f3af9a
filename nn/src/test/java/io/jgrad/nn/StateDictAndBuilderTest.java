package io.jgrad.nn;

import static io.jgrad.nn.Rejects.assertRejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Module.loadStateDict names the module class and the key and changes nothing on a missing,
 * null or mis-shaped entry; BatchNorm1d's builder is snapshotted at build().
 */
class StateDictAndBuilderTest {
    private static Sequential model() {
        return new Sequential(new Linear(4, 3, true, new Rng(1)), new BatchNorm1d(3), new ReLU());
    }

    private static void assertUnchangedAfter(Module m, Executable badLoad, String... fragments) {
        Map<String, Tensor> before = m.stateDict();
        assertRejects(badLoad, fragments);
        Map<String, Tensor> after = m.stateDict();
        assertEquals(before.keySet(), after.keySet());
        before.forEach((k, v) -> assertTrue(v.contentEquals(after.get(k)), k + " changed by a failed load"));
    }

    @Test
    void aBadStateDictNamesClassAndKeyAndChangesNothing() {
        Sequential m = model();
        m.forward(Variable.constant(Tensor.randn(new Rng(3), 5, 4)));
        Map<String, Tensor> good = model().stateDict();
        good.put("0.weight", Tensor.ones(3, 4));
        Map<String, Tensor> missing = new LinkedHashMap<>(good);
        missing.remove("1.running_mean");
        assertUnchangedAfter(m, () -> m.loadStateDict(missing), "Sequential.loadStateDict: missing keys [1.running_mean]");
        Map<String, Tensor> nullValue = new LinkedHashMap<>(good);
        nullValue.put("1.bias", null);
        assertUnchangedAfter(m, () -> m.loadStateDict(nullValue), "Sequential.loadStateDict: key '1.bias' maps to null");
        Map<String, Tensor> wrongShape = new LinkedHashMap<>(good);
        wrongShape.put("1.running_var", Tensor.ones(1, 3));
        assertUnchangedAfter(m, () -> m.loadStateDict(wrongShape), "key '1.running_var' has shape [1, 3], expected [3]");
        assertUnchangedAfter(m, () -> m.loadStateDict(null), "Sequential.loadStateDict: state is null");
        Linear l = new Linear(4, 3);
        assertUnchangedAfter(l, () -> l.loadStateDict(Map.of("weight", Tensor.zeros(3, 4))), "Linear.loadStateDict: missing keys [bias]");
        m.loadStateDict(good);
        assertArrayEquals(Tensor.ones(3, 4).toFloatArray(), ((Linear) m.get(0)).weight().value().toFloatArray());
    }

    @Test
    void batchNormBuilderIsSnapshottedAtBuild() {
        BatchNorm1d.Builder b = BatchNorm1d.builder(3).eps(1e-3).momentum(0.2);
        BatchNorm1d built = b.build();
        b.eps(0.5).momentum(null).affine(false).trackRunningStats(false);
        BatchNorm1d twin = BatchNorm1d.builder(3).eps(1e-3).momentum(0.2).build();
        assertEquals(twin.toString(), built.toString());
        Tensor x = Tensor.randn(new Rng(7), 6, 3);
        assertArrayEquals(twin.forward(Variable.constant(x)).value().toFloatArray(),
                built.forward(Variable.constant(x)).value().toFloatArray());
        assertArrayEquals(twin.runningVar().toFloatArray(), built.runningVar().toFloatArray());
        assertNotEquals(twin.toString(), b.build().toString(), "the builder itself did change");
    }
}
