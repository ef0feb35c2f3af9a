package io.jgrad.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.Tensor;
import io.jgrad.train.tensorboard.EventProtos.Event;
import io.jgrad.train.tensorboard.EventProtos.HistogramProto;
import io.jgrad.train.tensorboard.EventProtos.Summary;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SummaryWriter} writes event files that read back, frame by frame and field by field. */
class SummaryWriterTest {
    @TempDir
    Path dir;

    @Test
    void scalarsAndHistogramsReadBackExactly() throws IOException {
        double before = System.currentTimeMillis() / 1000.0;
        Path file;
        try (SummaryWriter tb = new SummaryWriter(dir.resolve("run"))) {
            tb.addScalar("loss/train", 0.1, 1);
            tb.addScalar("loss/train", 0.05, 2);
            tb.addScalar("lr", 1e-3, 2);
            tb.addHistogram("w", Tensor.of(new float[] {-2f, -0.5f, 0f, 0f, 0.25f, 3f}, 2, 3), 2);
            file = tb.file();
        }
        double after = System.currentTimeMillis() / 1000.0;
        String name = file.getFileName().toString();
        assertTrue(name.matches("events\\.out\\.tfevents\\.\\d{10}\\."
                + java.util.regex.Pattern.quote(InetAddress.getLocalHost().getHostName()) + "\\.\\d+\\.\\d+"), name);
        assertEquals(file, EventFileReader.onlyFile(dir.resolve("run")));

        List<Event> events = EventFileReader.events(file);
        assertEquals(5, events.size());
        assertEquals("brain.Event:2", events.get(0).getFileVersion());
        for (Event e : events) {
            assertTrue(e.getWallTime() >= Math.floor(before) && e.getWallTime() <= after, "wall time " + e.getWallTime());
        }
        assertScalar(events.get(1), "loss/train", 0.1f, 1);
        assertScalar(events.get(2), "loss/train", 0.05f, 2);
        assertScalar(events.get(3), "lr", 1e-3f, 2);

        Summary.Value v = events.get(4).getSummary().getValue(0);
        assertEquals(2, events.get(4).getStep());
        assertEquals("w", v.getTag());
        HistogramProto h = v.getHisto();
        assertEquals(-2, h.getMin());
        assertEquals(3, h.getMax());
        assertEquals(6, h.getNum());
        assertEquals(0.75, h.getSum());
        assertEquals(4 + 0.25 + 0.0625 + 9, h.getSumSquares());
        // right edges from the empty bucket before -2 up to the bucket holding 3; 6 values in 4 buckets
        double[] limits = h.getBucketLimitList().stream().mapToDouble(Double::doubleValue).toArray();
        double[] counts = h.getBucketList().stream().mapToDouble(Double::doubleValue).toArray();
        assertEquals(limits.length, counts.length);
        assertEquals(6, java.util.Arrays.stream(counts).sum());
        assertEquals(0, counts[0]);
        assertTrue(limits[0] <= -2 && limits[1] > -2, "first bucket ends at " + limits[1]);
        assertTrue(limits[limits.length - 2] <= 3 && limits[limits.length - 1] > 3);
        assertEquals(2, counts[java.util.Arrays.binarySearch(limits, 1e-12)], "the two zeros fall in [0, 1e-12)");
    }

    @Test
    void aSingleZeroIsOneBucketFromZeroTo1eMinus12() throws IOException {
        try (SummaryWriter tb = new SummaryWriter(dir)) {
            tb.addHistogram("zero", Tensor.of(new float[] {0f}, 1), 0);
        }
        HistogramProto h = EventFileReader.events(EventFileReader.onlyFile(dir)).get(1).getSummary().getValue(0).getHisto();
        assertEquals(List.of(0.0, 1e-12), h.getBucketLimitList());
        assertEquals(List.of(0.0, 1.0), h.getBucketList());
        assertEquals(0, h.getMin());
        assertEquals(0, h.getMax());
        assertEquals(1, h.getNum());
    }

    @Test
    void flushMakesRecordsVisibleBeforeClose() throws IOException {
        try (SummaryWriter tb = new SummaryWriter(dir)) {
            tb.addScalar("a", 1, 0);
            tb.flush();
            List<Event> seen = EventFileReader.events(tb.file());
            assertEquals(2, seen.size());
            assertScalar(seen.get(1), "a", 1f, 0);
        }
    }

    @Test
    void aCorruptedByteIsCaughtByTheReader() throws IOException {
        Path file;
        try (SummaryWriter tb = new SummaryWriter(dir)) {
            tb.addScalar("a", 1, 0);
            file = tb.file();
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 6] ^= 1;
        assertThrows(IllegalStateException.class, () -> EventFileReader.frames(bytes));
    }

    @Test
    void badInputAndUseAfterCloseAreClearErrors() {
        SummaryWriter tb = new SummaryWriter(dir);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tb.addScalar("", 1, 0));
        assertTrue(e.getMessage().contains("addScalar") && e.getMessage().contains("empty"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> tb.addHistogram("h", null, 0));
        assertTrue(e.getMessage().contains("'h'") && e.getMessage().contains("null"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> tb.addHistogram("nan", Tensor.of(new float[] {Float.NaN, Float.POSITIVE_INFINITY}, 2), 0));
        assertTrue(e.getMessage().contains("'nan'") && e.getMessage().contains("no finite value"), e.getMessage());
        tb.close();
        tb.close();
        IllegalStateException s = assertThrows(IllegalStateException.class, () -> tb.addScalar("a", 1, 0));
        assertTrue(s.getMessage().contains("closed"), s.getMessage());
        assertEquals(1, EventFileReader.events(tb.file()).size(), "rejected values left nothing behind");
    }

    static void assertScalar(Event e, String tag, float value, long step) {
        assertEquals(step, e.getStep());
        assertEquals(1, e.getSummary().getValueCount());
        assertEquals(tag, e.getSummary().getValue(0).getTag());
        assertEquals(value, e.getSummary().getValue(0).getSimpleValue());
    }
}
