package io.jgrad.nn;

import static io.jgrad.nn.Rejects.assertRejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.DType;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Module base: recursive parameters and buffers, modes, PyTorch state-dict keys, strict loading. */
class ModuleTest {
    private static Sequential mlp() {
        return new Sequential(new Linear(4, 3, true, new Rng(1)), new BatchNorm1d(3), new ReLU(),
                new Sequential(new Dropout(0.2, new Rng(2)), new Linear(3, 2, true, new Rng(3))));
    }

    @Test
    void parametersAndBuffersAreNamedAsInPyTorchInStableOrder() {
        Sequential m = mlp();
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "3.1.weight", "3.1.bias"),
                List.copyOf(m.namedParameters().keySet()));
        assertEquals(List.of("1.running_mean", "1.running_var", "1.num_batches_tracked"), List.copyOf(m.namedBuffers().keySet()));
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                "1.num_batches_tracked", "3.1.weight", "3.1.bias"), List.copyOf(m.stateDict().keySet()));
        assertEquals(List.copyOf(m.namedParameters().values()), m.parameters());
        assertSame(((Linear) m.get(0)).weight(), m.parameters().get(0));
        assertEquals(4 * 3 + 3 + 3 + 3 + 3 * 2 + 2, m.parameterCount());
        assertArrayEquals(new long[0], m.stateDict().get("1.num_batches_tracked").shape(), "shape [] like PyTorch");
        // buffers are not trained: no buffer is among the parameters
        for (Parameter p : m.parameters()) {
            for (Tensor b : m.namedBuffers().values()) {
                assertNotSame(b, p.value());
            }
        }
    }

    @Test
    void trainAndEvalReachEveryDescendant() {
        Sequential m = mlp();
        Sequential inner = (Sequential) m.get(3);
        assertTrue(inner.get(0).isTraining());
        assertSame(m, m.eval());
        assertFalse(m.isTraining());
        assertFalse(inner.isTraining());
        assertFalse(inner.get(0).isTraining());
        m.train();
        assertTrue(inner.get(1).isTraining() && m.get(1).isTraining());
    }

    @Test
    void stateDictIsASnapshotAndLoadsBackIntoAFreshModule() {
        Sequential a = mlp();
        a.forward(Variable.constant(Tensor.randn(new Rng(5), 6, 4)));
        Map<String, Tensor> state = a.stateDict();
        Tensor w = state.get("0.weight");
        ((Linear) a.get(0)).weight().value().array().addi(1);
        assertFalse(w.contentEquals(((Linear) a.get(0)).weight().value()), "stateDict must copy");
        Sequential b = new Sequential(new Linear(4, 3, true, new Rng(9)), new BatchNorm1d(3), new ReLU(),
                new Sequential(new Dropout(0.2), new Linear(3, 2, true, new Rng(8))));
        b.loadStateDict(state);
        Map<String, Tensor> back = b.stateDict();
        for (String k : state.keySet()) {
            assertTrue(state.get(k).contentEquals(back.get(k)), k);
        }
        assertEquals(1, ((BatchNorm1d) b.get(1)).numBatchesTracked());
    }

    @Test
    void strictLoadingNamesTheKeyAndChangesNothing() {
        Sequential m = mlp();
        Map<String, Tensor> before = m.stateDict();
        Map<String, Tensor> missing = new LinkedHashMap<>(before);
        missing.remove("1.running_var");
        missing.put("0.weight", Tensor.zeros(3, 4));
        assertRejects(() -> m.loadStateDict(missing), "missing keys [1.running_var]");
        Map<String, Tensor> extra = new LinkedHashMap<>(before);
        extra.put("0.weight", Tensor.zeros(3, 4));
        extra.put("2.weight", Tensor.zeros(1));
        assertRejects(() -> m.loadStateDict(extra), "unexpected keys [2.weight]");
        Map<String, Tensor> misshaped = new LinkedHashMap<>(before);
        misshaped.put("0.weight", Tensor.zeros(3, 4));
        misshaped.put("3.1.weight", Tensor.zeros(3, 2));
        assertRejects(() -> m.loadStateDict(misshaped), "'3.1.weight'", "[3, 2]", "[2, 3]");
        Map<String, Tensor> after = m.stateDict();
        for (String k : before.keySet()) {
            assertTrue(before.get(k).contentEquals(after.get(k)), k + " changed by a failed load");
        }
        // a PyTorch count may arrive as a one-element tensor of another rank or type
        Map<String, Tensor> count = new LinkedHashMap<>(before);
        count.put("1.num_batches_tracked", Tensor.of(new float[] {5}, 1));
        m.loadStateDict(count);
        assertEquals(5, ((BatchNorm1d) m.get(1)).numBatchesTracked());
    }

    @Test
    void float64StateLoadsIntoFloat32ModulesAndLinearRejectsMixedTypes() {
        Linear l = new Linear(2, 2);
        Map<String, Tensor> s = new LinkedHashMap<>();
        s.put("weight", Tensor.of(new double[] {1, 2, 3, 4}, 2, 2));
        s.put("bias", Tensor.of(new double[] {0.5, -0.5}, 2));
        l.loadStateDict(s);
        assertEquals(DType.FLOAT32, l.weight().value().dtype());
        assertArrayEquals(new float[] {1, 2, 3, 4}, l.weight().value().toFloatArray());
        assertRejects(() -> l.forward(Variable.constant(Tensor.zeros(3, 2).to(DType.FLOAT64))), "linear", "FLOAT64");
        assertRejects(() -> l.forward(Variable.constant(Tensor.zeros(3, 5))), "Linear(2, 2)", "[3, 5]");
    }

    /** A custom module with both extra text and children, printed as PyTorch prints one. */
    private static final class Block extends Module {
        Block() {
            registerModule("fc", new Linear(2, 2));
            registerModule("act", new ReLU());
        }

        @Override
        public Variable forward(Variable x) {
            return x;
        }

        @Override
        protected String extraRepr() {
            return "scale=2";
        }
    }

    @Test
    void reprOfExtraTextWithChildrenAndEmptyContainers() {
        assertEquals("Block(\n  scale=2\n  (fc): Linear(in_features=2, out_features=2, bias=True)\n  (act): ReLU()\n)",
                new Block().toString());
        assertEquals("Sequential()", new Sequential().toString());
    }

    @Test
    void flattenAndSequentialBasics() {
        Variable x = Variable.of(Tensor.randn(new Rng(3), 2, 3, 4), true);
        Variable y = new Flatten().forward(x);
        assertArrayEquals(new long[] {2, 12}, y.shape());
        assertArrayEquals(new long[] {24}, new Flatten(0, -1).forward(x).shape());
        assertArrayEquals(new long[] {6, 4}, new Flatten(0, 1).forward(x).shape());
        y.sum().backward();
        assertArrayEquals(new long[] {2, 3, 4}, x.grad().shape());
        assertRejects(() -> new Flatten(2, 1).forward(x), "Flatten", "startDim 2");
        Sequential s = new Sequential().add(new ReLU()).add(new Tanh());
        assertEquals(2, s.size());
        assertTrue(s.get(1) instanceof Tanh);
        assertRejects(() -> s.add(null), "Sequential", "module 2 is null");
    }
}
