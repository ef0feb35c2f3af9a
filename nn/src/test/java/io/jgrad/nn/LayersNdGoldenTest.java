package io.jgrad.nn;

import static io.jgrad.nn.Golden.assertClose;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.jgrad.autograd.Variable;
import io.jgrad.tensor.DType;
import io.jgrad.tensor.Tensor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The n-d and image layers against PyTorch (tools/golden/gen_layers_nd.py): PyTorch's initial
 * state dict is loaded, warm-up batches move running statistics, then one forward in the case's
 * mode is compared with PyTorch's output, input and parameter gradients, and final state dict.
 */
class LayersNdGoldenTest {
    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-4;

    @TestFactory
    Stream<DynamicTest> everyLayerMatchesPyTorch() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : Golden.cases("layers_nd.json")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> check(c)));
        }
        return tests.stream();
    }

    private static void check(JsonNode c) {
        String name = c.get("name").asText();
        Module m = build(c.get("layer").asText(), c.get("args"));
        m.loadStateDict(state(c.get("state")));
        m.train();
        for (JsonNode b : c.get("batches")) {
            m.forward(Variable.constant(Golden.tensor(b)));
        }
        if (c.get("mode").asText().equals("eval")) {
            m.eval();
        }
        boolean indices = c.get("dx").isNull();
        Variable x = Variable.of(Golden.tensor(c.get("x")), !indices);
        Variable y = m.forward(x);
        assertClose(c.get("y"), y.value(), ATOL, RTOL, name + " y");
        y.mul(Variable.constant(Golden.tensor(c.get("gout")))).sum().backward();
        if (indices) {
            assertNull(x.grad(), name + ": indices get no gradient");
        } else {
            assertClose(c.get("dx"), x.grad(), ATOL, RTOL, name + " dx");
        }
        Map<String, Parameter> params = m.namedParameters();
        for (Iterator<Map.Entry<String, JsonNode>> it = c.get("grads").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            assertClose(e.getValue(), params.get(e.getKey()).grad(), ATOL, RTOL, name + " d" + e.getKey());
        }
        Map<String, Tensor> after = m.stateDict();
        for (Iterator<Map.Entry<String, JsonNode>> it = c.get("stateAfter").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            assertClose(e.getValue(), after.get(e.getKey()), ATOL, RTOL, name + " " + e.getKey() + " after");
        }
    }

    private static Map<String, Tensor> state(JsonNode s) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Tensor v = Golden.tensor(e.getValue());
            out.put(e.getKey(), e.getKey().equals("num_batches_tracked") ? v.to(DType.FLOAT64) : v);
        }
        return out;
    }

    /** The jgrad layer each golden case names. */
    private static Module build(String layer, JsonNode a) {
        switch (layer) {
            case "BatchNorm2d": {
                BatchNorm1d.Builder b = BatchNorm1d.builder(a.get("channels").asInt()).affine(a.get("affine").asBoolean())
                        .momentum(a.get("momentum").isNull() ? null : a.get("momentum").asDouble());
                return new BatchNorm2d(b);
            }
            case "LayerNorm": return new LayerNorm(a.get("size").asInt());
            case "Conv2d": return new Conv2d(a.get("i").asInt(), a.get("o").asInt(), a.get("k").asInt(), a.get("s").asInt(),
                    a.get("p").asInt(), a.get("d").asInt(), a.get("g").asInt(), true, io.jgrad.tensor.Rng.global());
            case "Linear": return new Linear(a.get("in").asInt(), a.get("out").asInt());
            case "Embedding": return new Embedding(a.get("num").asInt(), a.get("dim").asInt());
            case "MaxPool2d": return new MaxPool2d(a.get("k").asInt());
            case "AvgPool2d": return new AvgPool2d(a.get("k").asInt());
            case "AdaptiveAvgPool2d": return new AdaptiveAvgPool2d(1);
            case "Flatten": return new Flatten();
            case "GELU": return new GELU();
            case "Dropout": return new Dropout(a.get("p").asDouble());
            default: throw new IllegalArgumentException("golden file names an unknown layer: " + layer);
        }
    }
}
