package io.jgrad.nn;

import static io.jgrad.nn.Golden.assertClose;
import static io.jgrad.nn.Rejects.assertRejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jgrad.autograd.NoGrad;
import io.jgrad.autograd.Variable;
import io.jgrad.tensor.DType;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors reader and writer: PyTorch-written files, round trips, corrupt files, atomic saves. */
class SafeTensorsTest {
    private static final JsonNode CASES = Golden.cases("safetensors.json");

    @TempDir
    Path dir;

    private Path resource(String name) throws IOException {
        Path p = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/golden/" + name)) {
            Files.copy(in, p);
        }
        return p;
    }

    @Test
    void pyTorchModelLoadsAndReproducesItsEvalOutputs() throws IOException {
        JsonNode c = CASES.get("model");
        Path file = resource(c.get("file").asText());
        Map<String, Tensor> state = SafeTensors.load(file);
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                "1.num_batches_tracked", "3.weight", "3.bias"), List.copyOf(state.keySet()));
        assertEquals(0, state.get("1.num_batches_tracked").rank(), "the count is a scalar of shape [] as in PyTorch");
        Sequential model = new Sequential(new Linear(6, 5), new BatchNorm1d(5), new ReLU(), new Linear(5, 3));
        Checkpoints.load(model, file);
        assertEquals(c.get("num_batches_tracked").asLong(), ((BatchNorm1d) model.get(1)).numBatchesTracked());
        model.eval();
        try (NoGrad g = Variable.noGrad()) {
            Variable y = model.forward(Variable.constant(Golden.tensor(c.get("x"))));
            assertClose(c.get("y_eval"), y.value(), 1e-6, 1e-5, "eval output");
        }
        assertEquals("pt", SafeTensors.metadata(file).get("format"));
    }

    @Test
    void everyReadableDtypeDecodesExactly() throws IOException {
        JsonNode c = CASES.get("dtypes");
        Path file = resource(c.get("file").asText());
        SafeTensors.Contents contents = SafeTensors.read(file);
        assertEquals("gen_safetensors.py", contents.metadata().get("written_by"));
        for (Iterator<Map.Entry<String, JsonNode>> it = c.get("tensors").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Tensor t = contents.tensors().get(e.getKey());
            String dtype = e.getValue().get("dtype").asText();
            assertClose(e.getValue().get("tensor"), t, 0, 0, e.getKey() + " (" + dtype + ")");
            boolean wide = dtype.equals("F64") || dtype.equals("I64") || dtype.equals("I32");
            assertEquals(wide ? DType.FLOAT64 : DType.FLOAT32, t.dtype(), e.getKey());
        }
    }

    @Test
    void saveThenLoadIsBitIdenticalForBothTypesAndScalars() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("a", Tensor.randn(new Rng(1), 3, 4));
        m.put("b.double", Tensor.randn(new Rng(2), 5).to(DType.FLOAT64));
        m.put("count", Tensor.scalar(7.0));
        m.put("odd", Tensor.of(new float[] {Float.NaN, Float.MIN_VALUE, -0f, Float.POSITIVE_INFINITY}, 2, 2));
        Path file = dir.resolve("x.safetensors");
        SafeTensors.save(m, Map.of("k", "v"), file);
        Map<String, Tensor> back = SafeTensors.load(file);
        assertEquals(List.copyOf(m.keySet()), List.copyOf(back.keySet()));
        for (String k : m.keySet()) {
            assertEquals(m.get(k).dtype(), back.get(k).dtype(), k);
            assertArrayEquals(m.get(k).shape(), back.get(k).shape(), k);
            assertArrayEquals(bits(m.get(k)), bits(back.get(k)), k);
        }
        assertEquals(Map.of("k", "v"), SafeTensors.metadata(file));
    }

    private static long[] bits(Tensor t) {
        double[] d = t.toDoubleArray();
        long[] out = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = Double.doubleToRawLongBits(d[i]);
        }
        return out;
    }

    // ---------------------------------------------------------------- corrupt files

    /** A file with the given header text and {@code dataBytes} zero bytes of data. */
    private Path file(String name, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    @Test
    void corruptFilesAreRejectedNamingFileAndKey() throws IOException {
        Path good = dir.resolve("good.safetensors");
        SafeTensors.save(Map.of("w", Tensor.ones(2, 3)), good);
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        assertRejects(() -> SafeTensors.load(truncated), "truncated.safetensors", "'w'", "data_offsets");
        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertRejects(() -> SafeTensors.load(tiny), "tiny.safetensors", "3 bytes");
        Path headerOnly = dir.resolve("cut.safetensors");
        Files.write(headerOnly, java.util.Arrays.copyOf(bytes, 20));
        assertRejects(() -> SafeTensors.load(headerOnly), "cut.safetensors", "header length");

        String w = "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
        assertRejects(() -> SafeTensors.load(file("json.st", "{not json", 8)), "json.st", "not valid JSON");
        assertRejects(() -> SafeTensors.load(file("arr.st", "[1,2]", 0)), "arr.st", "not a JSON object");
        assertRejects(() -> SafeTensors.load(file("dtype.st", "{\"w\":{\"dtype\":\"F8\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2)),
                "dtype.st", "'w'", "dtype");
        assertRejects(() -> SafeTensors.load(file("size.st", "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8)),
                "size.st", "'w'", "[3]", "needs 12 bytes");
        assertRejects(() -> SafeTensors.load(file("past.st", "{" + w + "}", 4)), "past.st", "'w'", "outside");
        assertRejects(() -> SafeTensors.load(file("overlap.st", "{" + w
                + ",\"v\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8)), "overlap.st", "'v'", "overlap", "'w'");
        assertRejects(() -> SafeTensors.load(file("dup.st", "{" + w + "," + w + "}", 8)), "dup.st", "w");
        assertRejects(() -> SafeTensors.load(file("shape.st", "{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8)),
                "shape.st", "'w'", "shape");
        assertRejects(() -> SafeTensors.load(file("meta.st", "{\"__metadata__\":{\"a\":1}}", 0)), "meta.st", "'a'");
    }

    // ---------------------------------------------------------------- atomic save

    @Test
    void aFailedSaveLeavesThePreviousFileIntactAndNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("ckpt.safetensors");
        SafeTensors.save(Map.of("w", Tensor.ones(4)), file);
        byte[] before = Files.readAllBytes(file);
        // the second tensor's data cannot be read (its buffer was released), so writing fails
        // after the header and the first tensor already went to the temporary file
        Tensor released = Tensor.ones(4);
        released.array().close();
        Map<String, Tensor> failing = new LinkedHashMap<>();
        failing.put("w", Tensor.zeros(4));
        failing.put("broken", released);
        assertThrows(RuntimeException.class, () -> SafeTensors.save(failing, file));
        assertArrayEquals(before, Files.readAllBytes(file), "the previous checkpoint must be untouched");
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(file), s.toList(), "no temporary file may be left behind");
        }
        assertRejects(() -> SafeTensors.save(Map.of("", Tensor.ones(1)), file), "invalid entry");
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void aSaveRemovesTheTemporaryFilesOfKilledEarlierSavesOfThatFileOnly() throws IOException {
        Path file = dir.resolve("w.safetensors");
        Path stale1 = Files.writeString(dir.resolve(".w.safetensors.8813092734.tmp"), "half a file");
        Path stale2 = Files.writeString(dir.resolve(".w.safetensors.-17.tmp"), "");
        Path otherFile = Files.writeString(dir.resolve(".v.safetensors.55.tmp"), "another file's save");
        Path notOurs = Files.writeString(dir.resolve(".w.safetensors.notes.tmp"), "a user's file");
        SafeTensors.save(Map.of("a", Tensor.scalar(1.5)), file);
        assertTrue(!Files.exists(stale1) && !Files.exists(stale2), "stale temporaries of w.safetensors are gone");
        assertTrue(Files.exists(otherFile) && Files.exists(notOurs), "other files are kept");
        assertEquals(1.5, SafeTensors.load(file).get("a").item());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(".w.safetensors.") && n.matches(".*\\.[0-9]+\\.tmp")).toList(),
                    "the save itself leaves no temporary file");
        }
        Files.writeString(dir.resolve(".w.safetensors.99.tmp"), "");
        assertEquals(1, SafeTensors.removeStaleTemporaries(file));
        assertEquals(0, SafeTensors.removeStaleTemporaries(dir.resolve("missing-dir").resolve("x.safetensors")));
    }
}
