package io.jgrad.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.autograd.Variable;
import io.jgrad.nn.BatchNorm1d;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Module;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.nn.Unflatten;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import io.jgrad.onnx.proto.OnnxProtos.GraphProto;
import io.jgrad.onnx.proto.OnnxProtos.ModelProto;
import io.jgrad.onnx.proto.OnnxProtos.TensorProto;
import io.jgrad.onnx.proto.OnnxProtos.TensorShapeProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the file holds (names, opset, dynamic batch, weights once) and how a failed export fails. */
class OnnxExportTest {
    @TempDir
    Path dir;

    /** A module jgrad's exporter knows nothing about. */
    static final class Doubler extends Module {
        @Override
        public Variable forward(Variable x) {
            return x.mul(2);
        }
    }

    /** Another unknown module, which one test registers an exporter for (the registry is global). */
    static final class Tripler extends Module {
        @Override
        public Variable forward(Variable x) {
            return x.mul(3);
        }
    }

    private static ModelProto read(Path file) throws IOException {
        return ModelProto.parseFrom(Files.readAllBytes(file));
    }

    @Test
    void theFileHasOneInputAndOneOutputWithADynamicBatchAndOpset17() throws IOException {
        Path file = dir.resolve("mlp.onnx");
        Onnx.export(new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2)), Tensor.zeros(1, 4), file);
        ModelProto model = read(file);
        assertEquals(1, model.getOpsetImportCount());
        assertEquals(17, model.getOpsetImport(0).getVersion());
        assertEquals("", model.getOpsetImport(0).getDomain());
        GraphProto g = model.getGraph();
        assertEquals(1, g.getInputCount());
        assertEquals("input", g.getInput(0).getName());
        assertEquals(TensorProto.DataType.FLOAT_VALUE, g.getInput(0).getType().getTensorType().getElemType());
        List<TensorShapeProto.Dimension> in = g.getInput(0).getType().getTensorType().getShape().getDimList();
        assertEquals("batch", in.get(0).getDimParam());
        assertEquals(4, in.get(1).getDimValue());
        assertEquals(1, g.getOutputCount());
        assertEquals("output", g.getOutput(0).getName());
        List<TensorShapeProto.Dimension> out = g.getOutput(0).getType().getTensorType().getShape().getDimList();
        assertEquals("batch", out.get(0).getDimParam());
        assertEquals(2, out.get(1).getDimValue());
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"),
                g.getInitializerList().stream().map(TensorProto::getName).toList());
        assertEquals(List.of("Gemm", "Relu", "Gemm"), g.getNodeList().stream().map(n -> n.getOpType()).toList());
    }

    @Test
    void aSharedLayerIsStoredOnce() throws IOException {
        Linear shared = new Linear(3, 3);
        Path file = dir.resolve("tied.onnx");
        Sequential m = new Sequential(shared, new ReLU(), shared);
        OrtCheck.exportAndCompare("tied-weights", m, Tensor.randn(new Rng(1), 2, 3), Tensor.randn(new Rng(2), 4, 3), file);
        assertEquals(List.of("0.weight", "0.bias"),
                read(file).getGraph().getInitializerList().stream().map(TensorProto::getName).toList());
    }

    @Test
    void aModuleWithoutAnExporterNamesItsPathAndTypeAndLeavesNoFile() throws IOException {
        Path file = dir.resolve("custom.onnx");
        Module m = new Sequential(new Linear(4, 4), new Sequential(new ReLU(), new Doubler()), new Linear(4, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Onnx.export(m, Tensor.zeros(2, 4), file));
        assertTrue(e.getMessage().contains("'1.1'"), e.getMessage());
        assertTrue(e.getMessage().contains("Doubler"), e.getMessage());
        assertFalse(Files.exists(file));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.toList(), "no temporary file is left either");
        }
    }

    @Test
    void theModelItselfUnsupportedIsNamedSo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Onnx.export(new Doubler(), Tensor.zeros(2, 4), dir.resolve("d.onnx")));
        assertTrue(e.getMessage().contains("the model itself") && e.getMessage().contains("Doubler"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("d.onnx")));
    }

    @Test
    void aFailedExportKeepsAnEarlierFileAsItWas() throws IOException {
        Path file = dir.resolve("kept.onnx");
        Files.writeString(file, "earlier");
        assertThrows(IllegalArgumentException.class,
                () -> Onnx.export(new Sequential(new Doubler()), Tensor.zeros(2, 4), file));
        assertEquals("earlier", Files.readString(file));
    }

    @Test
    void layersTheInferenceGraphCannotExpressAreRefusedByPath() {
        Module untracked = new Sequential(new Linear(3, 3), BatchNorm1d.builder(3).trackRunningStats(false).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Onnx.export(untracked, Tensor.zeros(2, 3), dir.resolve("bn.onnx")));
        assertTrue(e.getMessage().contains("'1'") && e.getMessage().contains("BatchNorm1d")
                && e.getMessage().contains("running statistics"), e.getMessage());

        IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                () -> Onnx.export(new Sequential(new Unflatten(0, 2, 2)), Tensor.zeros(4, 3), dir.resolve("u.onnx")));
        assertTrue(batch.getMessage().contains("'0'") && batch.getMessage().contains("batch"), batch.getMessage());
        assertFalse(Files.exists(dir.resolve("bn.onnx")) || Files.exists(dir.resolve("u.onnx")));
    }

    @Test
    void trainingModesArePutBackModuleByModule() {
        Dropout frozen = new Dropout(0.5, new Rng(1));
        Sequential m = new Sequential(new Linear(2, 2), frozen);
        m.train();
        frozen.eval();
        Onnx.export(m, Tensor.zeros(1, 2), dir.resolve("modes.onnx"));
        assertTrue(m.isTraining());
        assertTrue(m.get(0).isTraining());
        assertFalse(frozen.isTraining());
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Onnx.export(null, Tensor.zeros(1, 2), dir.resolve("x.onnx")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Onnx.export(new ReLU(), Tensor.scalar(1f), dir.resolve("x.onnx")));
        assertTrue(e.getMessage().contains("batch"), e.getMessage());
    }

    @Test
    void aCustomModuleCanBeRegistered() {
        ModuleExporters.register(Tripler.class,
                (m, x, g) -> g.output(m, x, g.node("Mul", x.name(), g.scalar("three", 3, x)).output()));
        OrtCheck.exportAndCompare("registered-custom", new Sequential(new Linear(3, 2), new Tripler()),
                Tensor.randn(new Rng(3), 1, 3), Tensor.randn(new Rng(4), 3, 3), dir.resolve("custom.onnx"));
    }
}
