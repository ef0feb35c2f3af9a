package io.jgrad.nn;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jgrad.tensor.DType;
import io.jgrad.tensor.Shapes;
import io.jgrad.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * format, so weights travel between jgrad and PyTorch: an 8-byte little-endian header length,
 * a JSON header {@code {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__":
 * {str: str}}} (offsets relative to the data section), then the raw little-endian data.
 *
 * <p>F32 and F64 are written and read; F16, BF16, I8, U8, I16, I32, I64 and BOOL are read too
 * (integers into float64 tensors, the small floats into float32 ones). Saving is atomic: the
 * file is written beside the target, flushed to disk, then renamed over it, so a failure never
 * damages an existing checkpoint. A truncated or inconsistent file is an
 * {@link IllegalArgumentException} naming the file and the offending key.
 *
 * <pre>{@code
 * SafeTensors.save(model.stateDict(), Path.of("model.safetensors"));
 * Map<String, Tensor> fromPyTorch = SafeTensors.load(Path.of("pytorch.safetensors"));
 * model.loadStateDict(fromPyTorch);
 * }</pre>
 */
public final class SafeTensors {
    private static final String METADATA = "__metadata__";
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private SafeTensors() {
    }

    /** The element types of the format, with their widths in bytes. */
    private enum Dtype {
        F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), BOOL(1);

        final int bytes;

        Dtype(int bytes) {
            this.bytes = bytes;
        }

        static Dtype parse(String s) {
            for (Dtype d : values()) {
                if (d.name().equals(s)) {
                    return d;
                }
            }
            return null;
        }

        boolean readsAsDouble() {
            return this == F64 || this == I64 || this == I32;
        }
    }

    // ---------------------------------------------------------------- save

    /** Writes {@code tensors} to {@code file} atomically, without metadata. */
    public static void save(Map<String, Tensor> tensors, Path file) {
        save(tensors, Map.of(), file);
    }

    /**
     * Writes {@code tensors} (F32 or F64 by their type, in the map's order) and string
     * {@code metadata} to {@code file}: to a temporary file in the same directory, fsync'ed,
     * then moved over {@code file} atomically (and the directory fsync'ed), so {@code file} is at
     * every moment either the previous complete file or the new complete one. Temporary files an
     * interrupted earlier save of {@code file} left behind are deleted first
     * ({@link #removeStaleTemporaries}); so one file has one writer at a time.
     *
     * @throws IllegalArgumentException for a null or empty name, a name "__metadata__", a null tensor
     * @throws UncheckedIOException     when writing fails (the previous file is then untouched)
     */
    public static void save(Map<String, Tensor> tensors, Map<String, String> metadata, Path file) {
        if (tensors == null || file == null) {
            throw new IllegalArgumentException("SafeTensors.save: " + (file == null ? "file" : "tensors") + " is null");
        }
        List<Map.Entry<String, Tensor>> entries = new ArrayList<>(tensors.entrySet());
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject(METADATA);
            metadata.forEach((k, v) -> meta.put(k, v));
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : entries) {
            String name = e.getKey();
            Tensor t = e.getValue();
            if (name == null || name.isEmpty() || name.equals(METADATA) || t == null) {
                throw new IllegalArgumentException("SafeTensors.save " + file + ": invalid entry '" + name + "'"
                        + (t == null ? " (null tensor)" : ""));
            }
            long bytes = t.size() * (t.dtype() == DType.FLOAT64 ? 8 : 4);
            ObjectNode info = header.putObject(name);
            info.put("dtype", t.dtype() == DType.FLOAT64 ? "F64" : "F32");
            ArrayNode shape = info.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            info.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = headerBytes(header);
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = null;
        try {
            removeStaleTemporaries(file);
            tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length);
                writeFully(ch, len.flip());
                writeFully(ch, ByteBuffer.wrap(json));
                for (Map.Entry<String, Tensor> e : entries) {
                    writeFully(ch, dataBytes(e.getValue()));
                }
                ch.force(true);
            }
            if (SLOW_SAVE_MILLIS > 0) { // crash tests only: widen the window between the write and the rename
                java.util.concurrent.locks.LockSupport.parkNanos(SLOW_SAVE_MILLIS * 1_000_000L);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException ex) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
            syncDirectory(dir);
        } catch (IOException ex) {
            throw new UncheckedIOException("SafeTensors.save: cannot write " + file + ": " + ex.getMessage(), ex);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original failure is the one worth reporting
                }
            }
        }
    }

    /**
     * Crash tests set the system property {@code jgrad.test.slowSaveMillis} in the JVM they kill:
     * every save then pauses that long between writing its temporary file and renaming it, so
     * a kill lands mid-save often. 0 (unset) in every normal run.
     */
    private static final long SLOW_SAVE_MILLIS = Long.getLong("jgrad.test.slowSaveMillis", 0);

    /**
     * Deletes the temporary files ({@code .<name>.<number>.tmp} in the same directory) that a
     * save of {@code file} killed before its rename left behind, and returns how many there were.
     * {@link #save} calls it, so killed saves never accumulate; a trainer also calls it when it
     * starts. Only call it when no other save of {@code file} is under way.
     */
    public static int removeStaleTemporaries(Path file) {
        if (file == null) {
            throw new IllegalArgumentException("SafeTensors.removeStaleTemporaries: file is null");
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            return 0;
        }
        String prefix = "." + file.getFileName() + ".";
        int removed = 0;
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith(prefix) && name.endsWith(".tmp")
                        && name.substring(prefix.length(), name.length() - 4).matches("-?[0-9]+")
                        && Files.deleteIfExists(p)) {
                    removed++;
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException("SafeTensors: cannot clean the temporary files of " + file + ": "
                    + ex.getMessage(), ex);
        }
        return removed;
    }

    /** The JSON header padded with spaces to a multiple of 8 bytes, as the reference writer does. */
    private static byte[] headerBytes(ObjectNode header) {
        try {
            byte[] raw = JSON.writeValueAsBytes(header);
            int padded = (raw.length + 7) / 8 * 8;
            byte[] out = new byte[padded];
            System.arraycopy(raw, 0, out, 0, raw.length);
            for (int i = raw.length; i < padded; i++) {
                out[i] = ' ';
            }
            return out;
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("SafeTensors: cannot serialise header", ex);
        }
    }

    private static ByteBuffer dataBytes(Tensor t) {
        if (t.dtype() == DType.FLOAT64) {
            double[] d = t.toDoubleArray();
            ByteBuffer b = ByteBuffer.allocate(d.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            b.asDoubleBuffer().put(d);
            return b;
        }
        float[] f = t.toFloatArray();
        ByteBuffer b = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(f);
        return b;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not every platform can fsync a directory; the file itself is already on disk
        }
    }

    // ---------------------------------------------------------------- load

    /** Reads every tensor of {@code file}, in header order. */
    public static LinkedHashMap<String, Tensor> load(Path file) {
        return read(file).tensors();
    }

    /** The string metadata of {@code file} (empty when it has none). */
    public static LinkedHashMap<String, String> metadata(Path file) {
        return read(file).metadata();
    }

    /** The content of a safetensors file. */
    public record Contents(LinkedHashMap<String, Tensor> tensors, LinkedHashMap<String, String> metadata) {
    }

    /** Reads tensors and metadata of {@code file}, validating the whole header first. */
    public static Contents read(Path file) {
        if (file == null) {
            throw new IllegalArgumentException("SafeTensors.load: file is null");
        }
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (IOException ex) {
            throw new UncheckedIOException("SafeTensors.load: cannot read " + file + ": " + ex.getMessage(), ex);
        }
        String where = "SafeTensors.load " + file + ": ";
        if (all.length < 8) {
            throw new IllegalArgumentException(where + "file has " + all.length + " bytes, too short for the 8-byte header length");
        }
        ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen = buf.getLong(0);
        if (headerLen < 0 || headerLen > all.length - 8L) {
            throw new IllegalArgumentException(where + "header length " + Long.toUnsignedString(headerLen)
                    + " exceeds the " + (all.length - 8) + " bytes after the length field (truncated or corrupt file)");
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(all, 8, (int) headerLen, StandardCharsets.UTF_8));
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException(where + "header is not valid JSON: " + ex.getOriginalMessage(), ex);
        }
        if (header == null || !header.isObject()) {
            throw new IllegalArgumentException(where + "header is not a JSON object");
        }
        long dataStart = 8 + headerLen;
        long dataLen = all.length - dataStart;
        LinkedHashMap<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (f.getKey().equals(METADATA)) {
                readMetadata(where, f.getValue(), metadata);
            } else {
                entries.add(Entry.parse(where, f.getKey(), f.getValue(), dataLen));
            }
        }
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort((a, b) -> Long.compare(a.begin, b.begin));
        for (int i = 1; i < sorted.size(); i++) {
            Entry prev = sorted.get(i - 1);
            Entry cur = sorted.get(i);
            if (cur.begin < prev.end) {
                throw new IllegalArgumentException(where + "key '" + cur.name + "' data_offsets [" + cur.begin + ", "
                        + cur.end + "] overlap those of key '" + prev.name + "' [" + prev.begin + ", " + prev.end + "]");
            }
        }
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry e : entries) {
            tensors.put(e.name, e.decode(buf, dataStart));
        }
        return new Contents(tensors, metadata);
    }

    private static void readMetadata(String where, JsonNode node, Map<String, String> out) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + "key '" + METADATA + "' must be an object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            if (!m.getValue().isTextual()) {
                throw new IllegalArgumentException(where + "metadata key '" + m.getKey() + "' is not a string");
            }
            out.put(m.getKey(), m.getValue().asText());
        }
    }

    /** One validated header entry. */
    private record Entry(String name, Dtype dtype, long[] shape, long begin, long end) {
        static Entry parse(String where, String name, JsonNode info, long dataLen) {
            String at = where + "key '" + name + "': ";
            if (!info.isObject()) {
                throw new IllegalArgumentException(at + "entry is not an object");
            }
            JsonNode dt = info.get("dtype");
            Dtype dtype = dt == null || !dt.isTextual() ? null : Dtype.parse(dt.asText());
            if (dtype == null) {
                throw new IllegalArgumentException(at + "unknown or missing dtype " + dt);
            }
            JsonNode sh = info.get("shape");
            if (sh == null || !sh.isArray()) {
                throw new IllegalArgumentException(at + "missing shape array");
            }
            long[] shape = new long[sh.size()];
            for (int i = 0; i < shape.length; i++) {
                JsonNode d = sh.get(i);
                if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                    throw new IllegalArgumentException(at + "invalid shape " + sh);
                }
                shape[i] = d.asLong();
            }
            JsonNode off = info.get("data_offsets");
            if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber()
                    || !off.get(1).isIntegralNumber()) {
                throw new IllegalArgumentException(at + "data_offsets must be [begin, end], got " + off);
            }
            long begin = off.get(0).asLong();
            long end = off.get(1).asLong();
            if (begin < 0 || end < begin || end > dataLen) {
                throw new IllegalArgumentException(at + "data_offsets [" + begin + ", " + end + "] are outside the "
                        + dataLen + " data bytes (truncated or corrupt file)");
            }
            long elements = Shapes.size(shape);
            if (elements > Integer.MAX_VALUE || elements * dtype.bytes != end - begin) {
                throw new IllegalArgumentException(at + "shape " + Shapes.str(shape) + " of " + dtype + " needs "
                        + elements * dtype.bytes + " bytes but data_offsets [" + begin + ", " + end + "] hold "
                        + (end - begin));
            }
            return new Entry(name, dtype, shape, begin, end);
        }

        Tensor decode(ByteBuffer buf, long dataStart) {
            int n = (int) Shapes.size(shape);
            int at = (int) (dataStart + begin);
            if (dtype.readsAsDouble()) {
                double[] d = new double[n];
                for (int i = 0; i < n; i++) {
                    d[i] = switch (dtype) {
                        case F64 -> buf.getDouble(at + 8 * i);
                        case I64 -> buf.getLong(at + 8 * i);
                        default -> buf.getInt(at + 4 * i);
                    };
                }
                return Tensor.of(d, shape);
            }
            float[] f = new float[n];
            for (int i = 0; i < n; i++) {
                f[i] = switch (dtype) {
                    case F32 -> buf.getFloat(at + 4 * i);
                    case F16 -> Float.intBitsToFloat(halfToFloatBits(buf.getShort(at + 2 * i)));
                    case BF16 -> Float.intBitsToFloat((buf.getShort(at + 2 * i) & 0xFFFF) << 16);
                    case I16 -> buf.getShort(at + 2 * i);
                    case I8 -> buf.get(at + i);
                    default -> buf.get(at + i) & 0xFF; // U8, BOOL
                };
            }
            return Tensor.of(f, shape);
        }
    }

    /** IEEE 754 half precision to the bits of the equal float (exact: every half is a float). */
    static int halfToFloatBits(short h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) {
            return sign | 0x7F800000 | (mant << 13);
        }
        if (exp == 0) {
            if (mant == 0) {
                return sign;
            }
            // subnormal half: normalise
            int e = -1;
            do {
                mant <<= 1;
                e++;
            } while ((mant & 0x400) == 0);
            return sign | ((127 - 15 - e) << 23) | ((mant & 0x3FF) << 13);
        }
        return sign | ((exp - 15 + 127) << 23) | (mant << 13);
    }
}
