package io.jgrad.train;

import io.jgrad.train.tensorboard.EventProtos.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The tests' own reader of event files: splits the TFRecord frames, checks the masked CRC-32C of
 * every length and every payload, and parses each payload as an {@code Event}. A torn or
 * corrupted frame is an {@link IllegalStateException} naming its offset.
 */
final class EventFileReader {
    private EventFileReader() {
    }

    /** The payloads of the frames of {@code bytes}, CRCs checked. */
    static List<byte[]> frames(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<byte[]> out = new ArrayList<>();
        while (b.hasRemaining()) {
            int at = b.position();
            if (b.remaining() < 12) {
                throw new IllegalStateException("torn frame header at offset " + at);
            }
            long length = b.getLong();
            int lengthCrc = b.getInt();
            if (lengthCrc != TfRecord.maskedCrc32c(bytes, at, 8)) {
                throw new IllegalStateException("bad length CRC at offset " + at);
            }
            if (length > b.remaining() - 4) {
                throw new IllegalStateException("torn frame at offset " + at + ": length " + length);
            }
            byte[] data = Arrays.copyOfRange(bytes, b.position(), b.position() + (int) length);
            b.position(b.position() + (int) length);
            if (b.getInt() != TfRecord.maskedCrc32c(data, 0, data.length)) {
                throw new IllegalStateException("bad data CRC at offset " + at);
            }
            out.add(data);
        }
        return out;
    }

    /** Every event of one file, in order. */
    static List<Event> events(Path file) {
        try {
            List<Event> events = new ArrayList<>();
            for (byte[] frame : frames(Files.readAllBytes(file))) {
                events.add(Event.parseFrom(frame));
            }
            return events;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The only event file in {@code dir}. */
    static Path onlyFile(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).toList();
            if (all.size() != 1) {
                throw new IllegalStateException("expected one event file in " + dir + ", found " + all);
            }
            return all.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
