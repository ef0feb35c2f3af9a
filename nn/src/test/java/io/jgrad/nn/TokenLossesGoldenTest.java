package io.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.jgrad.autograd.Variable;
import io.jgrad.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Per-token cross entropy on INT64 targets (with and without {@code ignore_index}, on
 * {@code [N, C]}, {@code [N, T, C]} and 4-d logits) and {@code Embedding} on INT64 indices
 * {@code [N, T]} (repeated indices included) against PyTorch 2.13, from
 * {@code golden/seq_int.json} written by {@code tools/golden/gen_seq_int.py}.
 */
class TokenLossesGoldenTest {

    @TestFactory
    Stream<DynamicTest> matchPyTorch() {
        JsonNode cases = Golden.cases("seq_int.json");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases.get("ce")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> crossEntropy(c)));
        }
        for (JsonNode c : cases.get("emb")) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> embedding(c)));
        }
        return tests.stream();
    }

    private static void crossEntropy(JsonNode c) {
        Variable logits = Variable.of(Golden.tensor(c.get("logits")), true);
        Tensor targets = longs(c.get("targets"));
        JsonNode ignore = c.get("ignoreIndex");
        Variable loss = ignore.isNull() ? Losses.crossEntropy(logits, targets)
                : Losses.crossEntropy(logits, targets, ignore.asLong());
        Golden.assertScalar(c.get("loss").asDouble(), loss.value(), "loss");
        loss.mul(c.get("gscale").asDouble()).backward();
        Golden.assertClose(c.get("dlogits"), logits.grad(), "dlogits");
    }

    private static void embedding(JsonNode c) {
        JsonNode w = c.get("weight");
        long[] ws = Golden.shape(w);
        Embedding emb = new Embedding((int) ws[0], (int) ws[1]);
        emb.loadStateDict(Map.of("weight", Golden.tensor(w)));
        Variable y = emb.forward(Variable.constant(longs(c.get("indices"))));
        Golden.assertClose(c.get("y"), y.value(), "y");
        y.mul(Variable.constant(Golden.tensor(c.get("gout")))).sum().backward();
        Golden.assertClose(c.get("dweight"), emb.weight().grad(), "dweight");
    }

    private static Tensor longs(JsonNode t) {
        JsonNode d = t.get("data");
        long[] out = new long[d.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = d.get(i).asLong();
        }
        assertEquals(out.length, io.jgrad.tensor.Shapes.size(Golden.shape(t)));
        return Tensor.ofLongs(out, Golden.shape(t));
    }
}
