package io.jgrad.optim;

import com.fasterxml.jackson.databind.JsonNode;
import io.jgrad.autograd.Variable;
import java.lang.reflect.Method;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every optimizer and option against PyTorch 1.13 trajectories (float32, 25 steps). */
class OptimizerGoldenTest {
    static Stream<String> cases() {
        Iterable<String> names = () -> Golden.ROOT.get("optimizers").fieldNames();
        return java.util.stream.StreamSupport.stream(names.spliterator(), false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(String name) throws Exception {
        JsonNode c = Golden.ROOT.get("optimizers").get(name);
        Mlp mlp = new Mlp();
        Optimizer opt = build(c, mlp);
        JsonNode losses = c.get("losses");
        for (int s = 0; s < losses.size(); s++) {
            double loss = mlp.backward(opt);
            Golden.assertClose(name + " loss at step " + s, new double[] {losses.get(s).asDouble()}, new double[] {loss}, 1e-5, 1e-6);
            if (c.has("skip_b2")) {
                mlp.b2.clearGrad();
            }
            opt.step();
        }
        for (Map.Entry<String, io.jgrad.tensor.Tensor> w : mlp.weights().entrySet()) {
            Golden.assertClose(name + " final " + w.getKey(), Golden.doubles(c.get("final").get(w.getKey())),
                    w.getValue().toDoubleArray(), 1e-5, 1e-6);
        }
    }

    static Optimizer build(JsonNode c, Mlp mlp) throws Exception {
        String kind = c.get("optimizer").asText();
        boolean grouped = c.has("group2");
        List<Variable> first = grouped ? List.of(mlp.w1, mlp.b1) : mlp.params();
        Class<?> cls = Class.forName("io.jgrad.optim." + kind);
        OptimizerBuilder<?, ?> b = (OptimizerBuilder<?, ?>) cls.getMethod("builder", Iterable.class).invoke(null, first);
        apply(b, c.get("options"));
        if (grouped) {
            b.addGroup(List.of(mlp.w2, mlp.b2), g -> apply(g, c.get("group2")));
        }
        return b.build();
    }

    /** Calls the builder setter named like each PyTorch argument (snake_case → camelCase). */
    static void apply(Object builder, JsonNode options) {
        try {
            for (Iterator<Map.Entry<String, JsonNode>> it = options.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> o = it.next();
                String setter = camel(o.getKey());
                JsonNode v = o.getValue();
                if (v.isArray()) {
                    find(builder, setter, 2).invoke(builder, v.get(0).asDouble(), v.get(1).asDouble());
                } else if (v.isBoolean()) {
                    builder.getClass().getMethod(setter, boolean.class).invoke(builder, v.asBoolean());
                } else {
                    builder.getClass().getMethod(setter, double.class).invoke(builder, v.asDouble());
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("builder lacks a setter for " + options, e);
        }
    }

    private static Method find(Object builder, String name, int arity) throws NoSuchMethodException {
        for (Method m : builder.getClass().getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == arity) {
                return m;
            }
        }
        throw new NoSuchMethodException(name);
    }

    private static String camel(String snake) {
        StringBuilder sb = new StringBuilder();
        boolean up = false;
        for (char ch : snake.toCharArray()) {
            if (ch == '_') {
                up = true;
            } else {
                sb.append(up ? Character.toUpperCase(ch) : ch);
                up = false;
            }
        }
        return sb.toString();
    }
}
