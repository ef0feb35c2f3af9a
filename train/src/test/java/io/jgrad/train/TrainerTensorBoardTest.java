package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.data.Dataset;
import io.jgrad.nn.Parameter;
import io.jgrad.nn.Sequential;
import io.jgrad.optim.Adam;
import io.jgrad.optim.StepLR;
import io.jgrad.train.tensorboard.EventProtos.Event;
import io.jgrad.train.tensorboard.EventProtos.HistogramProto;
import io.jgrad.train.tensorboard.EventProtos.Summary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tensorBoard(dir)} on both trainers: every epoch's losses, accuracies and lr as scalars
 * equal to the history's, and one histogram per parameter per epoch, at step = epoch.
 */
class TrainerTensorBoardTest {
    @TempDir
    Path dir;

    /** tag -> (step -> value) of the scalars, and tag -> steps of the histograms. */
    private record Logged(Map<String, Map<Long, Float>> scalars, Map<String, List<Long>> histograms,
                          Map<String, HistogramProto> lastHistogram) {
    }

    private static Logged read(Path logDir) {
        List<Event> events = EventFileReader.events(EventFileReader.onlyFile(logDir));
        assertEquals(SummaryWriter.FILE_VERSION, events.get(0).getFileVersion());
        Logged out = new Logged(new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>());
        for (Event e : events.subList(1, events.size())) {
            for (Summary.Value v : e.getSummary().getValueList()) {
                if (v.hasHisto()) {
                    out.histograms().computeIfAbsent(v.getTag(), k -> new ArrayList<>()).add(e.getStep());
                    out.lastHistogram().put(v.getTag(), v.getHisto());
                } else {
                    out.scalars().computeIfAbsent(v.getTag(), k -> new LinkedHashMap<>()).put(e.getStep(), v.getSimpleValue());
                }
            }
        }
        return out;
    }

    @Test
    void everyEpochsLossesAccuraciesLrAndParameterHistograms() {
        Dataset.Split data = Fixtures.problem();
        Sequential model = Fixtures.mlp(7, 16);
        Adam adam = Adam.builder(model.parameters()).lr(0.01).build();
        Path logDir = dir.resolve("run");
        History h = Trainer.builder().model(model).optimizer(adam).scheduler(new StepLR(adam, 1, 0.5)).epochs(3)
                .batchSize(64).seed(5).progress(Progress.none()).tensorBoard(logDir).build()
                .fit(data.first(), data.second());

        Logged log = read(logDir);
        assertEquals(List.of("loss/train", "loss/val", "accuracy/train", "accuracy/val", "lr"),
                new ArrayList<>(log.scalars().keySet()));
        for (EpochStats s : h.epochs()) {
            long step = s.epoch();
            assertEquals((float) s.trainLoss(), log.scalars().get("loss/train").get(step));
            assertEquals((float) s.valLoss(), log.scalars().get("loss/val").get(step));
            assertEquals((float) s.trainAcc(), log.scalars().get("accuracy/train").get(step));
            assertEquals((float) s.valAcc(), log.scalars().get("accuracy/val").get(step));
            assertEquals((float) s.lr(), log.scalars().get("lr").get(step));
        }
        assertEquals(Map.of(1L, 0.01f, 2L, 0.005f, 3L, 0.0025f), log.scalars().get("lr"));

        assertEquals(List.of("parameters/0.weight", "parameters/0.bias", "parameters/2.weight", "parameters/2.bias"),
                new ArrayList<>(log.histograms().keySet()));
        log.histograms().values().forEach(steps -> assertEquals(List.of(1L, 2L, 3L), steps));
        // the last epoch's histograms are of the trained parameters
        for (Map.Entry<String, Parameter> p : model.namedParameters().entrySet()) {
            HistogramProto logged = log.lastHistogram().get("parameters/" + p.getKey());
            assertEquals(TensorBoardHistogram.of(p.getKey(), p.getValue().value().toDoubleArray()), logged, p.getKey());
            assertEquals(p.getValue().value().size(), (long) logged.getNum());
        }
    }

    @Test
    void withoutValidationOnlyTheTrainingScalarsAreLogged() {
        Dataset.Split data = Fixtures.problem();
        Sequential model = Fixtures.mlp(8, 8);
        History h = Fixtures.trainer(model, 0.01).epochs(2).tensorBoard(dir).build().fit(data.first().head(128), null);
        Logged log = read(dir);
        assertEquals(List.of("loss/train", "accuracy/train", "lr"), new ArrayList<>(log.scalars().keySet()));
        assertEquals(Map.of(1L, (float) h.epochs().get(0).trainLoss(), 2L, (float) h.epochs().get(1).trainLoss()),
                log.scalars().get("loss/train"));
    }

    @Test
    void aResumedRunAddsAFileWithTheRemainingEpochs() throws java.io.IOException {
        Dataset.Split data = Fixtures.problem();
        Path ckpt = dir.resolve("ckpt.bin");
        Path logDir = dir.resolve("tb");
        Fixtures.trainer(Fixtures.mlp(11, 8), 0.01).epochs(2).checkpoint(ckpt, 0).tensorBoard(logDir).build()
                .fit(data.first().head(128), null);
        History rest = Fixtures.trainer(Fixtures.mlp(12, 8), 0.01).epochs(3).resumeFrom(ckpt).tensorBoard(logDir)
                .build().fit(data.first().head(128), null);
        List<Path> files;
        try (var s = java.nio.file.Files.list(logDir)) {
            // the file name ends with the writer's sequence number in this JVM
            files = s.sorted(java.util.Comparator.comparingLong(p -> Long.parseLong(
                    p.getFileName().toString().replaceAll(".*\\.", "")))).toList();
        }
        assertEquals(2, files.size(), files.toString());
        List<Long> resumedSteps = EventFileReader.events(files.get(1)).stream().skip(1).map(Event::getStep).distinct()
                .toList();
        assertEquals(List.of(3L), resumedSteps, "only the resumed epoch");
        assertEquals(1, rest.epochs().size());
    }

    @Test
    void distillationLogsTheStudent() {
        Dataset.Split data = Fixtures.problem();
        Sequential teacher = Fixtures.mlp(9, 16);
        Sequential student = Fixtures.mlp(10, 4);
        History h = DistillationTrainer.builder().teacher(teacher).model(student)
                .optimizer(Adam.builder(student.parameters()).lr(0.01).build()).epochs(2).batchSize(64)
                .progress(Progress.none()).tensorBoard(dir).build().fit(data.first().head(256), data.second());
        Logged log = read(dir);
        assertEquals(List.of("loss/train", "loss/val", "accuracy/train", "accuracy/val", "lr"),
                new ArrayList<>(log.scalars().keySet()));
        assertEquals((float) h.epochs().get(1).valAcc(), log.scalars().get("accuracy/val").get(2L));
        assertEquals(4, log.histograms().size());
        assertTrue(log.lastHistogram().get("parameters/0.weight").getNum() == 20 * 4, "the student's, not the teacher's");
    }
}
