package io.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sequence modules' PyTorch keys, shapes and initialisation, ModuleList, and their input errors. */
class SequenceModulesTest {

    private static void assertKeys(Module m, String... keys) {
        assertEquals(List.of(keys), List.copyOf(m.stateDict().keySet()));
    }

    private static void assertWithin(Tensor t, double bound, String what) {
        double max = 0;
        for (double v : t.toDoubleArray()) {
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max <= bound && max > bound * 0.5, what + ": max |value| " + max + " for bound " + bound);
    }

    @Test
    void lstmAndGruHavePyTorchKeysShapesAndInit() {
        LSTM lstm = new LSTM(3, 4, 2, new Rng(1));
        assertKeys(lstm, "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
                "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1");
        Map<String, Tensor> s = lstm.stateDict();
        assertArrayEquals(new long[] {16, 3}, s.get("weight_ih_l0").shape());
        assertArrayEquals(new long[] {16, 4}, s.get("weight_ih_l1").shape());
        assertArrayEquals(new long[] {16, 4}, s.get("weight_hh_l1").shape());
        assertArrayEquals(new long[] {16}, s.get("bias_hh_l1").shape());
        s.forEach((k, v) -> assertWithin(v, 0.5, "LSTM " + k));
        GRU gru = new GRU(2, 9, 1, new Rng(2));
        assertKeys(gru, "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0");
        assertArrayEquals(new long[] {27, 2}, gru.stateDict().get("weight_ih_l0").shape());
        gru.stateDict().forEach((k, v) -> assertWithin(v, 1.0 / 3, "GRU " + k));
        assertEquals("LSTM(3, 4, num_layers=2, batch_first=True)", lstm.toString());
    }

    @Test
    void recurrentOutputsHaveBatchFirstShapes() {
        LSTM lstm = new LSTM(3, 4, 2, new Rng(3));
        LSTM.Output o = lstm.forward(Variable.constant(Tensor.zeros(5, 7, 3)), null, null);
        assertArrayEquals(new long[] {5, 7, 4}, o.output().shape());
        assertArrayEquals(new long[] {2, 5, 4}, o.h().shape());
        assertArrayEquals(new long[] {2, 5, 4}, o.c().shape());
        assertArrayEquals(o.output().narrow(1, 6, 1).reshape(5, 4).value().toFloatArray(),
                o.h().narrow(0, 1, 1).reshape(5, 4).value().toFloatArray(), "h is the last output of the last layer");
        GRU.Output g = new GRU(3, 2, 3, new Rng(4)).forward(Variable.constant(Tensor.zeros(1, 2, 3)), null);
        assertArrayEquals(new long[] {1, 2, 2}, g.output().shape());
        assertArrayEquals(new long[] {3, 1, 2}, g.h().shape());
    }

    @Test
    void attentionModulesHavePyTorchKeysAndInit() {
        MultiheadAttention mha = new MultiheadAttention(8, 2, new Rng(5));
        assertKeys(mha, "in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias");
        Map<String, Tensor> s = mha.stateDict();
        assertArrayEquals(new long[] {24, 8}, s.get("in_proj_weight").shape());
        assertWithin(s.get("in_proj_weight"), Math.sqrt(6.0 / (8 + 24)), "xavier-uniform in_proj_weight");
        assertWithin(s.get("out_proj.weight"), 1 / Math.sqrt(8), "out_proj.weight as Linear's");
        assertEquals(0, s.get("in_proj_bias").toDoubleArray()[3]);
        assertArrayEquals(new double[8], s.get("out_proj.bias").toDoubleArray());
        assertKeys(new TransformerEncoderLayer(8, 2, 16, 0.1, "gelu", true),
                "self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight",
                "self_attn.out_proj.bias", "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
                "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias");
    }

    @Test
    void moduleListNamesChildrenByIndexAndHasNoForward() {
        ModuleList list = new ModuleList(new Linear(2, 3)).add(new ReLU()).add(new Linear(3, 1));
        assertEquals(3, list.size());
        assertTrue(list.get(2) instanceof Linear);
        assertKeys(list, "0.weight", "0.bias", "2.weight", "2.bias");
        assertThrows(UnsupportedOperationException.class, () -> list.forward(Variable.constant(Tensor.zeros(1, 2))));
        assertThrows(IndexOutOfBoundsException.class, () -> list.get(3));
        assertThrows(IllegalArgumentException.class, () -> list.add(null));
    }

    @Test
    void causalLayerMasksTheFutureInItsOwnForward() {
        Rng.manualSeed(7);
        TransformerEncoderLayer layer = new TransformerEncoderLayer(4, 2, 8, 0.0, "relu", false, true);
        float[] a = Tensor.uniform(new Rng(8), -1, 1, 1, 3, 4).toFloatArray();
        float[] b = a.clone();
        b[11] += 5;                                       // change only the last position
        float[] ya = layer.forward(Variable.constant(Tensor.of(a, 1, 3, 4))).value().toFloatArray();
        float[] yb = layer.forward(Variable.constant(Tensor.of(b, 1, 3, 4))).value().toFloatArray();
        for (int i = 0; i < 8; i++) {
            assertEquals(ya[i], yb[i], 1e-6, "earlier positions do not see the last one, element " + i);
        }
        float[] yc = layer.forward(Variable.constant(Tensor.of(b, 1, 3, 4)), false).value().toFloatArray();
        assertTrue(Math.abs(yc[0] - ya[0]) > 1e-5, "forward(x, false) is not causal");
    }

    @Test
    void badInputsNameTheModuleAndShapes() {
        LSTM lstm = new LSTM(3, 4, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> lstm.forward(Variable.constant(Tensor.zeros(5, 3))));
        assertTrue(e.getMessage().contains("LSTM(3, 4, 2)") && e.getMessage().contains("[5, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> lstm.forward(Variable.constant(Tensor.zeros(5, 2, 3)),
                Variable.constant(Tensor.zeros(1, 5, 4)), Variable.constant(Tensor.zeros(2, 5, 4))));
        assertTrue(e.getMessage().contains("h0") && e.getMessage().contains("[1, 5, 4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> lstm.forward(Variable.constant(Tensor.zeros(5, 2, 3)),
                Variable.constant(Tensor.zeros(2, 5, 4)), null));
        e = assertThrows(IllegalArgumentException.class, () -> new GRU(3, 0, 1));
        assertTrue(e.getMessage().startsWith("GRU"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MultiheadAttention(6, 4));
        assertTrue(e.getMessage().contains("6") && e.getMessage().contains("4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new MultiheadAttention(4, 2).forward(
                Variable.constant(Tensor.zeros(2, 3, 4)), Variable.constant(Tensor.zeros(2, 5, 4)),
                Variable.constant(Tensor.zeros(2, 4, 4)), false));
        assertTrue(e.getMessage().contains("[2, 5, 4]") && e.getMessage().contains("[2, 4, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TransformerEncoderLayer(4, 2, 8, 0.1, "tanh", true));
        assertTrue(e.getMessage().contains("\"tanh\""), e.getMessage());
    }
}
