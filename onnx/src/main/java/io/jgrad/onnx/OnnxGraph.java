package io.jgrad.onnx;

import io.jgrad.autograd.Variable;
import io.jgrad.nn.Module;
import io.jgrad.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import io.jgrad.onnx.proto.OnnxProtos.NodeProto;
import io.jgrad.onnx.proto.OnnxProtos.TensorProto;

/**
 * The ONNX graph under construction while a model is exported: its nodes in execution order,
 * its initializers (each tensor stored once, under its state-dict key), and the path of the
 * module being exported ({@code features.0}), which names values and error messages.
 * {@link ModuleExporter}s write into it.
 */
public final class OnnxGraph {
    private final List<NodeProto.Builder> nodes = new ArrayList<>();
    private final List<TensorProto> initializers = new ArrayList<>();
    private final Map<Tensor, String> stored = new IdentityHashMap<>();
    private final Set<String> names = new HashSet<>();
    private final Deque<String> path = new ArrayDeque<>();

    /** A graph whose values never take the {@code reserved} names (the graph's input and output). */
    OnnxGraph(String... reserved) {
        names.addAll(List.of(reserved));
    }

    /** Exports {@code child}, registered as {@code name} in the module being exported, on {@code x}. */
    public Value export(Module child, String name, Value x) {
        path.addLast(name);
        try {
            return exportHere(child, x);
        } finally {
            path.removeLast();
        }
    }

    /**
     * Runs {@code work} with {@code name} appended to the path, for an exporter that writes a
     * child's nodes itself (e.g. attention inside a Transformer layer called with a mask).
     */
    public <T> T within(String name, Supplier<T> work) {
        path.addLast(name);
        try {
            return work.get();
        } finally {
            path.removeLast();
        }
    }

    /** Exports {@code module} at the current path. */
    Value exportHere(Module module, Value x) {
        ModuleExporter<Module> exporter = ModuleExporters.find(module.getClass());
        if (exporter == null) {
            throw unsupported(module, "no ONNX exporter is registered for " + module.getClass().getName()
                    + " (see ModuleExporters.register)");
        }
        return exporter.export(module, x, this);
    }

    /**
     * The exception for a module that cannot be expressed: it names the module's path in the
     * model and its type, and says why.
     */
    public IllegalArgumentException unsupported(Module module, String why) {
        String where = path.isEmpty() ? "the model itself" : "'" + path() + "'";
        return new IllegalArgumentException("Onnx.export: cannot express module " + where + " of type "
                + module.getClass().getSimpleName() + ": " + why);
    }

    /** The dotted path of the module being exported ({@code ""} for the model itself). */
    public String path() {
        return String.join(".", path);
    }

    /** Adds a node of {@code opType} on {@code inputs}; set attributes on the returned node, then read its output. */
    public OnnxNode node(String opType, String... inputs) {
        String out = unique((path.isEmpty() ? "" : path() + "/") + opType);
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(opType).setName(out).addOutput(out);
        for (String in : inputs) {
            b.addInput(in);
        }
        nodes.add(b);
        return new OnnxNode(b);
    }

    /**
     * Stores {@code t} as an initializer named by {@code key} under the current path (so a
     * parameter keeps its state-dict key, e.g. {@code 0.weight}) and returns its name; a tensor
     * already stored (a shared weight) is not stored again.
     */
    public String initializer(String key, Tensor t) {
        String known = stored.get(t);
        if (known != null) {
            return known;
        }
        String name = unique(path.isEmpty() ? key : path() + "." + key);
        stored.put(t, name);
        initializers.add(TensorProtos.of(name, t));
        return name;
    }

    /** A one-dimensional INT64 constant, such as a {@code Reshape} target or a list of axes. */
    public String int64(String key, long... values) {
        String name = unique(path.isEmpty() ? key : path() + "." + key);
        initializers.add(TensorProtos.int64(name, new long[] {values.length}, values));
        return name;
    }

    /** A scalar INT64 constant, e.g. the index of a {@code Gather} that drops the axis it picks from. */
    public String int64Scalar(String key, long value) {
        String name = unique(path.isEmpty() ? key : path() + "." + key);
        initializers.add(TensorProtos.int64(name, new long[0], value));
        return name;
    }

    /** A scalar constant of {@code like}'s dtype, for element-wise arithmetic with it. */
    public String scalar(String key, double value, Value like) {
        Tensor t = Tensor.full(value, like.example().dtype());
        return initializer(key, t);
    }

    /** jgrad's eval-mode output of {@code module} on the example {@code x}: what the ONNX nodes must compute. */
    public Tensor forward(Module module, Value x) {
        try (var ignored = Variable.noGrad()) {
            return module.forward(Variable.constant(x.example())).value();
        }
    }

    /** The example value of a computation on example tensors (an exporter's intermediate results), without a graph. */
    public Tensor compute(Supplier<Variable> work) {
        try (var ignored = Variable.noGrad()) {
            return work.get().value();
        }
    }

    /** The value named {@code name} that holds {@code module}'s output on {@code x}. */
    public Value output(Module module, Value x, String name) {
        return new Value(name, forward(module, x));
    }

    /**
     * A {@code Reshape} of {@code x} to {@code shape} (the example's static output shape) that
     * keeps the dynamic batch dimension: dimension 0 is copied from the input when
     * {@code keepsBatch}, else inferred ({@code -1}) from the other, static, sizes.
     */
    public String reshape(Value x, long[] shape, boolean keepsBatch) {
        long[] target = shape.clone();
        target[0] = keepsBatch ? 0 : -1;
        return node("Reshape", x.name(), int64("shape", target)).output();
    }

    private String unique(String base) {
        String name = base;
        for (int k = 1; !names.add(name); k++) {
            name = base + "_" + k;
        }
        return name;
    }

    List<NodeProto.Builder> nodes() {
        return nodes;
    }

    List<TensorProto> initializers() {
        return initializers;
    }
}
