package io.jgrad.onnx;

import io.jgrad.nn.Module;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.UUID;
import io.jgrad.onnx.proto.OnnxProtos.GraphProto;
import io.jgrad.onnx.proto.OnnxProtos.ModelProto;
import io.jgrad.onnx.proto.OnnxProtos.NodeProto;
import io.jgrad.onnx.proto.OnnxProtos.OperatorSetIdProto;
import io.jgrad.onnx.proto.OnnxProtos.TensorShapeProto;
import io.jgrad.onnx.proto.OnnxProtos.TypeProto;
import io.jgrad.onnx.proto.OnnxProtos.ValueInfoProto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Export of a jgrad model to an ONNX file, so it runs where jgrad does not: ONNX Runtime in a
 * service, a browser or a phone. The model is written in evaluation mode (Dropout is the
 * identity, batch norms use their running statistics) as an opset-17 graph with one input
 * {@code input} (the example's dtype and shape, dimension 0 dynamic as {@code batch}) and one
 * output {@code output}; every parameter and buffer is an initializer stored once under its
 * state-dict key. Each module type is written by its {@link ModuleExporter} ({@link ModuleExporters}).
 *
 * <pre>{@code
 * Onnx.export(model, Tensor.zeros(1, 784), Path.of("mlp.onnx"));
 * }</pre>
 */
public final class Onnx {
    /** The ONNX operator set the graph is written against. */
    public static final int OPSET = 17;
    /** The IR version that goes with opset 17. */
    static final int IR_VERSION = 8;
    static final String INPUT = "input";
    static final String OUTPUT = "output";
    private static final Logger LOG = LoggerFactory.getLogger(Onnx.class);

    private Onnx() {
    }

    /**
     * Writes {@code model} to {@code file} as ONNX, traced on {@code exampleInput} (its first
     * dimension is the batch). The model's train/eval modes are restored afterwards. A module
     * the exporter cannot express is an {@link IllegalArgumentException} naming its path and
     * type; the file is written to a temporary file and moved into place, so a failed export
     * leaves no file behind.
     */
    public static void export(Module model, Tensor exampleInput, Path file) {
        if (model == null || exampleInput == null || file == null) {
            throw new IllegalArgumentException("Onnx.export: model, exampleInput and file must not be null, got "
                    + model + ", " + exampleInput + ", " + file);
        }
        if (exampleInput.rank() == 0 || exampleInput.shape()[0] == 0) {
            throw new IllegalArgumentException("Onnx.export: exampleInput needs a non-empty batch dimension, got shape "
                    + Shapes.str(exampleInput.shape()));
        }
        ModelProto proto = withEvalMode(model, () -> build(model, exampleInput));
        write(proto.toByteArray(), file);
        LOG.info("exported {} nodes and {} initializers to {}", proto.getGraph().getNodeCount(),
                proto.getGraph().getInitializerCount(), file);
    }

    /** The ONNX model of {@code model} (already in evaluation mode) traced on {@code example}. */
    static ModelProto build(Module model, Tensor example) {
        OnnxGraph g = new OnnxGraph(INPUT, OUTPUT);
        Value in = new Value(INPUT, example);
        Value out = g.exportHere(model, in);
        GraphProto.Builder graph = GraphProto.newBuilder().setName(model.getClass().getSimpleName())
                .addInput(valueInfo(INPUT, example, example.shape()[0]));
        String last = nameOutput(g, out.name());
        for (NodeProto.Builder n : g.nodes()) {
            graph.addNode(n);
        }
        if (!last.equals(OUTPUT)) {            // the model computes nothing of its own (e.g. Dropout alone)
            graph.addNode(NodeProto.newBuilder().setOpType("Identity").setName(OUTPUT).addInput(last).addOutput(OUTPUT));
        }
        graph.addAllInitializer(g.initializers())
                .addOutput(valueInfo(OUTPUT, out.example(), example.shape()[0]));
        return ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("jgrad")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET)).setGraph(graph).build();
    }

    /**
     * Renames the value {@code last} to {@code output} where one node produces it and no other
     * node reads it; returns the name the graph's output now has.
     */
    private static String nameOutput(OnnxGraph g, String last) {
        NodeProto.Builder producer = null;
        for (NodeProto.Builder n : g.nodes()) {
            if (n.getInputList().contains(last)) {
                return last;
            }
            if (n.getOutputList().contains(last)) {
                producer = n;
            }
        }
        if (producer == null) {
            return last;
        }
        producer.setOutput(producer.getOutputList().indexOf(last), OUTPUT);
        return OUTPUT;
    }

    /** A value's declared type: its dtype and shape, dimension 0 named {@code batch} where it is the input's batch. */
    private static ValueInfoProto valueInfo(String name, Tensor t, long batch) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        long[] s = t.shape();
        for (int i = 0; i < s.length; i++) {
            TensorShapeProto.Dimension.Builder d = TensorShapeProto.Dimension.newBuilder();
            if (i > 0) {
                d.setDimValue(s[i]);
            } else if (s[0] == batch) {
                d.setDimParam("batch");
            }
            shape.addDim(d);
        }
        TypeProto.Tensor.Builder tensor = TypeProto.Tensor.newBuilder()
                .setElemType(TensorProtos.elementType(t.dtype())).setShape(shape);
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(tensor)).build();
    }

    /** Runs {@code work} with every module in evaluation mode, then puts each module's mode back. */
    private static <T> T withEvalMode(Module model, java.util.function.Supplier<T> work) {
        Map<Module, Boolean> modes = new IdentityHashMap<>();
        collectModes(model, modes);
        model.eval();
        try {
            return work.get();
        } finally {
            restoreModes(model, modes);
        }
    }

    private static void collectModes(Module m, Map<Module, Boolean> modes) {
        modes.put(m, m.isTraining());
        m.children().values().forEach(c -> collectModes(c, modes));
    }

    private static void restoreModes(Module m, Map<Module, Boolean> modes) {
        m.train(modes.get(m));                // sets the subtree; the children then set their own
        m.children().values().forEach(c -> restoreModes(c, modes));
    }

    /**
     * Writes {@code bytes} to a temporary file beside {@code file}, then moves it into place
     * atomically (where the file system can). The temporary file is created with the process's
     * default permissions (not {@code createTempFile}'s owner-only ones), so the model file is
     * readable as any other file the user writes.
     */
    private static void write(byte[] bytes, Path file) {
        Path target = file.toAbsolutePath();
        Path tmp = null;
        try {
            Files.createDirectories(target.getParent());
            tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
            Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("Onnx.export: cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // the write failed already; that is the error to report
            }
        }
    }
}
