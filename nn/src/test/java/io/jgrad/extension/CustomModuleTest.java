package io.jgrad.extension;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jgrad.autograd.Variable;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Module;
import io.jgrad.nn.Parameter;
import io.jgrad.nn.SafeTensors;
import io.jgrad.tensor.Tensor;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A module written outside {@code io.jgrad.nn}, as a user writes one (issue 21, item 3): a
 * parameter, a buffer and a child registered through the protected {@code register*} methods.
 * Its state dict has PyTorch's keys and shapes both ways: the PyTorch twin's weights
 * ({@code tools/golden/gen_custom_module.py}) load strictly and give PyTorch's output, and the
 * safetensors file jgrad saves has exactly the twin's keys, shapes and element types (run the
 * script with {@code --check} on {@code nn/target/extension/custom_module_jgrad.safetensors} to
 * load it into PyTorch itself).
 */
class CustomModuleTest {
    /** y = proj(x) * sigmoid(gate) * scale + x: a gated residual, the README's custom-module example. */
    static final class Gated extends Module {
        private final Parameter gate;
        private final Tensor scale;
        private final Linear proj;

        Gated(int d) {
            gate = registerParameter("gate", new Parameter(Tensor.zeros(d)));
            scale = registerBuffer("scale", Tensor.ones(d));
            proj = registerModule("proj", new Linear(d, d));
        }

        @Override
        public Variable forward(Variable x) {
            return proj.forward(x).mul(gate.sigmoid()).mul(Variable.constant(scale)).add(x);
        }
    }

    private static JsonNode golden() throws Exception {
        try (InputStream in = CustomModuleTest.class.getResourceAsStream("/golden/custom_module.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static Tensor tensor(JsonNode t) {
        float[] data = new float[t.get("data").size()];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) t.get("data").get(i).asDouble();
        }
        long[] shape = new long[t.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.get("shape").get(i).asLong();
        }
        return Tensor.of(data, shape);
    }

    @Test
    void registeredPartsAreWalkedLikePyTorchs() throws Exception {
        Gated m = new Gated(4);
        List<String> keys = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = golden().get("keys").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> k = it.next();
            keys.add(k.getKey());
            long[] shape = new long[k.getValue().size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = k.getValue().get(i).asLong();
            }
            assertArrayEquals(shape, m.stateDict().get(k.getKey()).shape(), k.getKey());
        }
        assertEquals(keys, List.copyOf(m.stateDict().keySet()), "PyTorch's keys in PyTorch's order");
        assertEquals(List.of("gate", "proj.weight", "proj.bias"), List.copyOf(m.namedParameters().keySet()));
        assertEquals(List.of("scale"), List.copyOf(m.namedBuffers().keySet()), "a buffer is saved but not trained");
        assertEquals(4 + 16 + 4, m.parameterCount());

        m.forward(Variable.constant(Tensor.ones(2, 4))).sum().backward();
        assertNotNull(m.namedParameters().get("gate").grad(), "the gradient reaches the registered parameter");
        assertNotNull(m.namedParameters().get("proj.weight").grad(), "and the child's");
    }

    @Test
    void pyTorchWeightsLoadAndJgradsSaveHasPyTorchsKeysAndShapes() throws Exception {
        JsonNode g = golden();
        Path pytorch = Path.of(CustomModuleTest.class.getResource("/golden/custom_module.safetensors").toURI());
        Gated m = new Gated(4);
        m.loadStateDict(SafeTensors.load(pytorch));
        m.eval();
        float[] want = tensor(g.get("output")).toFloatArray();
        float[] got = m.forward(Variable.constant(tensor(g.get("input")))).value().toFloatArray();
        assertArrayEquals(want, got, 1e-5f, "PyTorch's forward of the same weights");

        Path saved = Path.of("target", "extension", "custom_module_jgrad.safetensors");
        Files.createDirectories(saved.getParent());
        SafeTensors.save(m.stateDict(), saved);
        Map<String, Tensor> back = SafeTensors.load(saved);
        Map<String, Tensor> theirs = SafeTensors.load(pytorch);
        assertEquals(List.copyOf(theirs.keySet()), List.copyOf(back.keySet()));
        for (String k : theirs.keySet()) {
            assertArrayEquals(theirs.get(k).shape(), back.get(k).shape(), k);
            assertEquals(theirs.get(k).dtype(), back.get(k).dtype(), k);
            assertArrayEquals(theirs.get(k).toFloatArray(), back.get(k).toFloatArray(), 0f, k);
        }
        assertTrue(Files.size(saved) > 0);
    }

    @Test
    void aStrictLoadNamesAMissingBuffer() {
        Gated m = new Gated(4);
        Map<String, Tensor> state = new java.util.LinkedHashMap<>(m.stateDict());
        state.remove("scale");
        String msg = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Gated(4).loadStateDict(state)).getMessage();
        assertEquals("Gated.loadStateDict: missing keys [scale]", msg);
        assertNull(m.namedParameters().get("scale"));
    }
}
