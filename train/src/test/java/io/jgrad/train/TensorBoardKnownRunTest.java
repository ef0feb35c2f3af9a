package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jgrad.data.Dataset;
import io.jgrad.nn.Parameter;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.SGD;
import io.jgrad.tensor.Tensor;
import io.jgrad.train.tensorboard.EventProtos.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Writes the runs that {@code tools/tensorboard_check.py} reads with TensorBoard's own
 * {@code EventAccumulator}, into {@code train/target/tensorboard-check} (or the directory in the
 * system property {@code jgrad.tensorboard.check.dir}), and checks them here with the tests' reader:
 * <ul>
 *   <li>{@code known/}: values from formulas the script repeats: for step s = 0..4, the scalars
 *       {@code loss/train} = 1/(s+1), {@code lr} = 0.1·0.5^s, {@code metrics/quarter} = s/4, and
 *       the histogram {@code weights} of the 100 values (i − 40)·(s+1)/8;</li>
 *   <li>{@code trainer/}: a 3-epoch {@link Trainer} run with {@code tensorBoard(dir)}, and beside it
 *       {@code expected.json} with the history's exact values and the final parameters' statistics.</li>
 * </ul>
 */
class TensorBoardKnownRunTest {
    static final int STEPS = 5;

    static float[] weights(int step) {
        float[] v = new float[100];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i - 40) * (step + 1) / 8f;
        }
        return v;
    }

    @Test
    void writeTheRunsTheCheckScriptReads() throws IOException {
        Path root = Path.of(System.getProperty("jgrad.tensorboard.check.dir", "target/tensorboard-check"));
        deleteRecursively(root);
        Path known = root.resolve("known");
        try (SummaryWriter tb = new SummaryWriter(known)) {
            for (int s = 0; s < STEPS; s++) {
                tb.addScalar("loss/train", 1.0 / (s + 1), s);
                tb.addScalar("lr", 0.1 * Math.pow(0.5, s), s);
                tb.addScalar("metrics/quarter", s / 4.0, s);
                tb.addHistogram("weights", Tensor.of(weights(s), 100), s);
            }
        }
        List<Event> events = EventFileReader.events(EventFileReader.onlyFile(known));
        assertEquals(1 + 4 * STEPS, events.size());
        SummaryWriterTest.assertScalar(events.get(1 + 4 * 3), "loss/train", 0.25f, 3);

        Path trainer = root.resolve("trainer");
        Dataset.Split data = Fixtures.problem();
        Sequential model = Fixtures.mlp(13, 8);
        History h = Trainer.builder().model(model).optimizer(SGD.builder(model.parameters()).lr(0.05).build())
                .epochs(3).batchSize(100).seed(1).progress(Progress.none()).tensorBoard(trainer).build()
                .fit(data.first(), data.second());
        ObjectMapper json = new ObjectMapper();
        ObjectNode expected = json.createObjectNode();
        ArrayNode epochs = expected.putArray("epochs");
        for (EpochStats e : h.epochs()) {
            epochs.addObject().put("epoch", e.epoch()).put("loss/train", e.trainLoss()).put("loss/val", e.valLoss())
                    .put("accuracy/train", e.trainAcc()).put("accuracy/val", e.valAcc()).put("lr", e.lr());
        }
        ObjectNode params = expected.putObject("parameters");
        for (Map.Entry<String, Parameter> p : model.namedParameters().entrySet()) {
            double[] v = p.getValue().value().toDoubleArray();
            params.putObject(p.getKey()).put("num", v.length).put("min", Arrays.stream(v).min().orElseThrow())
                    .put("max", Arrays.stream(v).max().orElseThrow());
        }
        json.writerWithDefaultPrettyPrinter().writeValue(trainer.resolve("expected.json").toFile(), expected);
        assertEquals(1 + 3 * (5 + 4), EventFileReader.events(EventFileReader.onlyFile(trainer)).size());
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> all = Files.walk(root)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
