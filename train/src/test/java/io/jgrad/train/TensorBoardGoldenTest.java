package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jgrad.tensor.Tensor;
import io.jgrad.train.tensorboard.EventProtos.Event;
import io.jgrad.train.tensorboard.EventProtos.HistogramProto;
import io.jgrad.train.tensorboard.EventProtos.Summary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * jgrad's event files against PyTorch's SummaryWriter and TensorBoard's own writer
 * (tools/golden/gen_tensorboard.py): the same histograms, the same TFRecord bytes, and the same
 * serialized Event bytes as TensorBoard's protobuf classes produce.
 */
class TensorBoardGoldenTest {
    private static final JsonNode GOLDEN = load();

    private static JsonNode load() {
        try (InputStream in = TensorBoardGoldenTest.class.getResourceAsStream("/golden/tensorboard.json")) {
            assertNotNull(in, "missing golden/tensorboard.json; run tools/golden/gen_tensorboard.py");
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void defaultBinEdgesAreTorchs() {
        assertEquals(GOLDEN.get("num_default_bins").asInt(), TensorBoardHistogram.EDGES.length);
    }

    @Test
    void histogramsEqualTorchs() {
        Iterator<Map.Entry<String, JsonNode>> cases = GOLDEN.get("histograms").fields();
        int n = 0;
        while (cases.hasNext()) {
            Map.Entry<String, JsonNode> c = cases.next();
            String name = c.getKey();
            JsonNode g = c.getValue();
            double[] values = doubles(g.get("values"));
            // through a float32 tensor, as PyTorch's input was
            HistogramProto h = TensorBoardHistogram.of(name, Tensor.of(toFloats(values), values.length).toDoubleArray());
            assertArrayEquals(doubles(g.get("bucket_limit")), h.getBucketLimitList().stream()
                    .mapToDouble(Double::doubleValue).toArray(), name + " bucket_limit");
            assertArrayEquals(doubles(g.get("bucket")), h.getBucketList().stream()
                    .mapToDouble(Double::doubleValue).toArray(), name + " bucket");
            assertEquals(g.get("min").asDouble(), h.getMin(), name + " min");
            assertEquals(g.get("max").asDouble(), h.getMax(), name + " max");
            assertEquals(g.get("num").asDouble(), h.getNum(), name + " num");
            assertEquals(g.get("sum").asDouble(), h.getSum(), name + " sum (NumPy's pairwise summation)");
            // NumPy's dot goes through BLAS, whose summation order is its own
            double sq = g.get("sum_squares").asDouble();
            assertEquals(sq, h.getSumSquares(), 1e-12 * Math.abs(sq), name + " sum_squares");
            n++;
        }
        assertEquals(8, n);
    }

    @Test
    void recordFramingEqualsTensorBoards() throws IOException {
        JsonNode r = GOLDEN.get("record");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TfRecord.write(out, r.get("payload").asText().getBytes(StandardCharsets.UTF_8));
        assertEquals(r.get("hex").asText(), HexFormat.of().formatHex(out.toByteArray()));
    }

    @Test
    void eventBytesEqualTensorBoards() {
        JsonNode s = GOLDEN.get("events").get("scalar");
        Event scalar = Event.newBuilder().setWallTime(s.get("wall_time").asDouble()).setStep(s.get("step").asLong())
                .setSummary(Summary.newBuilder().addValue(Summary.Value.newBuilder().setTag(s.get("tag").asText())
                        .setSimpleValue((float) s.get("value").asDouble()))).build();
        assertEquals(s.get("hex").asText(), HexFormat.of().formatHex(scalar.toByteArray()));

        JsonNode hg = GOLDEN.get("events").get("histogram");
        double[] values = doubles(hg.get("values"));
        HistogramProto h = TensorBoardHistogram.of("h", values);
        Event histo = Event.newBuilder().setWallTime(hg.get("wall_time").asDouble()).setStep(hg.get("step").asLong())
                .setSummary(Summary.newBuilder().addValue(Summary.Value.newBuilder().setTag(hg.get("tag").asText())
                        .setHisto(h))).build();
        assertEquals(hg.get("hex").asText(), HexFormat.of().formatHex(histo.toByteArray()));

        JsonNode v = GOLDEN.get("events").get("file_version");
        Event version = Event.newBuilder().setWallTime(v.get("wall_time").asDouble())
                .setFileVersion(SummaryWriter.FILE_VERSION).build();
        assertEquals(v.get("hex").asText(), HexFormat.of().formatHex(version.toByteArray()));
    }

    private static double[] doubles(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asDouble();
        }
        return out;
    }

    private static float[] toFloats(double[] a) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) a[i];
        }
        return out;
    }
}
