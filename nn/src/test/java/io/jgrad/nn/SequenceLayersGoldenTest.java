package io.jgrad.nn;

import static io.jgrad.nn.Golden.assertClose;

import com.fasterxml.jackson.databind.JsonNode;
import io.jgrad.autograd.Functional;
import io.jgrad.autograd.Variable;
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
 * LSTM, GRU, scaled dot-product attention, MultiheadAttention and TransformerEncoderLayer against
 * PyTorch (tools/golden/gen_seq_layers.py): PyTorch's state dict is loaded, the same inputs run
 * forward, and every output, input gradient and parameter gradient of
 * {@code Σ_k sum(out_k · gout_k)} is compared, on whichever backend the run selects.
 */
class SequenceLayersGoldenTest {
    private static final double ATOL = 2e-5;
    private static final double RTOL = 1e-4;

    @TestFactory
    Stream<DynamicTest> everySequenceLayerMatchesPyTorch() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : Golden.cases("seq_layers.json")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> check(c)));
        }
        return tests.stream();
    }

    private static void check(JsonNode c) {
        String name = c.get("name").asText();
        JsonNode args = c.get("args");
        Map<String, Variable> in = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = c.get("inputs").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            in.put(e.getKey(), Variable.of(Golden.tensor(e.getValue()), true));
        }
        Module m = build(c.get("kind").asText(), args);
        if (m != null) {
            m.loadStateDict(state(c.get("state")));
            m.train(c.get("mode").asText().equals("train"));
        }
        Map<String, Variable> out = run(c.get("kind").asText(), args, m, in);
        Variable loss = null;
        for (Map.Entry<String, Variable> e : out.entrySet()) {
            assertClose(c.get("outputs").get(e.getKey()), e.getValue().value(), ATOL, RTOL, name + " " + e.getKey());
            Variable term = e.getValue().mul(Variable.constant(Golden.tensor(c.get("gouts").get(e.getKey())))).sum();
            loss = loss == null ? term : loss.add(term);
        }
        loss.backward();
        Map<String, Parameter> params = m == null ? Map.of() : m.namedParameters();
        for (Iterator<Map.Entry<String, JsonNode>> it = c.get("grads").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Variable v = in.containsKey(e.getKey()) ? in.get(e.getKey()) : params.get(e.getKey());
            assertClose(e.getValue(), v.grad(), ATOL, RTOL, name + " d" + e.getKey());
        }
    }

    private static Module build(String kind, JsonNode a) {
        switch (kind) {
            case "LSTM":
                return new LSTM(a.get("input").asInt(), a.get("hidden").asInt(), a.get("layers").asInt());
            case "GRU":
                return new GRU(a.get("input").asInt(), a.get("hidden").asInt(), a.get("layers").asInt());
            case "MultiheadAttention":
                return new MultiheadAttention(a.get("embed").asInt(), a.get("heads").asInt());
            case "TransformerEncoderLayer":
                return new TransformerEncoderLayer(a.get("d").asInt(), a.get("heads").asInt(), a.get("ff").asInt(),
                        a.get("dropout").asDouble(), a.get("activation").asText(), a.get("normFirst").asBoolean(),
                        a.get("causal").asBoolean());
            case "SDPA":
                return null;
            default:
                throw new IllegalArgumentException("unknown golden kind " + kind);
        }
    }

    private static Map<String, Variable> run(String kind, JsonNode a, Module m, Map<String, Variable> in) {
        Map<String, Variable> out = new LinkedHashMap<>();
        switch (kind) {
            case "LSTM": {
                LSTM.Output o = ((LSTM) m).forward(in.get("x"), in.get("h0"), in.get("c0"));
                out.put("output", o.output());
                out.put("h", o.h());
                out.put("c", o.c());
                break;
            }
            case "GRU": {
                GRU.Output o = ((GRU) m).forward(in.get("x"), in.get("h0"));
                out.put("output", o.output());
                out.put("h", o.h());
                break;
            }
            case "SDPA":
                out.put("output", Functional.scaledDotProductAttention(in.get("q"), in.get("k"), in.get("v"),
                        a.get("causal").asBoolean()));
                break;
            case "MultiheadAttention": {
                Variable x = in.get("x");
                MultiheadAttention mha = (MultiheadAttention) m;
                out.put("output", a.get("cross").asBoolean() ? mha.forward(x, in.get("kv"), in.get("kv"), false)
                        : a.get("causal").asBoolean() ? mha.forward(x, x, x, true) : mha.forward(x));
                break;
            }
            default:
                out.put("output", m.forward(in.get("x")));
        }
        return out;
    }

    private static Map<String, Tensor> state(JsonNode s) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), Golden.tensor(e.getValue()));
        }
        return out;
    }
}
