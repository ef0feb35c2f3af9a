package io.jgrad.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST
 * (<a href="http://yann.lecun.com/exdb/mnist/">yann.lecun.com/exdb/mnist</a>): two zero bytes, a
 * type byte ({@code 0x08} = unsigned byte, the only type these data sets use), the number of
 * dimensions, each dimension as a big-endian int32, then the values row-major.
 *
 * <p>A file is gzip-compressed when it starts with gzip's magic {@code 0x1f 0x8b}; otherwise it
 * is read raw. Every format error is an {@link IdxFormatException} naming the file.
 */
public final class IdxReader {
    private static final int TYPE_UNSIGNED_BYTE = 0x08;

    private IdxReader() {
    }

    /** The decoded contents of one IDX file of unsigned bytes. */
    public record IdxArray(Path file, int[] dims, byte[] data) {
        /** The first dimension (the number of items). */
        public int count() {
            return dims[0];
        }

        /** Values per item: the product of the dimensions after the first. */
        public int itemSize() {
            int n = 1;
            for (int i = 1; i < dims.length; i++) {
                n *= dims[i];
            }
            return n;
        }

        /** The values as ints in [0, 255]. */
        public int[] toIntArray() {
            int[] out = new int[data.length];
            for (int i = 0; i < data.length; i++) {
                out[i] = data[i] & 0xFF;
            }
            return out;
        }

        /** The values as floats divided by {@code divisor} (255 maps pixels to [0, 1] as torchvision does). */
        public float[] toFloatArray(float divisor) {
            float[] out = new float[data.length];
            for (int i = 0; i < data.length; i++) {
                out[i] = (data[i] & 0xFF) / divisor;
            }
            return out;
        }
    }

    /**
     * Reads an IDX file, gzip-compressed or raw.
     *
     * @throws NoSuchFileException when the file does not exist
     * @throws IdxFormatException on a wrong magic number, an unsupported type, a truncated file
     *     or trailing bytes
     */
    public static IdxArray read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "IDX file not found");
        }
        byte[] bytes;
        try (InputStream in = open(file)) {
            bytes = in.readAllBytes();
        } catch (EOFException | ZipException e) {
            throw new IdxFormatException(file, "the gzip stream is truncated or corrupt (" + e.getMessage() + ")");
        }
        return parse(file, bytes);
    }

    private static InputStream open(Path file) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
    }

    private static IdxArray parse(Path file, byte[] b) throws IdxFormatException {
        if (b.length < 4) {
            throw new IdxFormatException(file, "the file is truncated: " + b.length + " bytes, not even a 4-byte header");
        }
        int magic = readInt(b, 0);
        int type = b[2] & 0xFF;
        int rank = b[3] & 0xFF;
        if (b[0] != 0 || b[1] != 0 || rank == 0) {
            throw new IdxFormatException(file, String.format("wrong magic number 0x%08x (IDX files start with "
                    + "0x0000 then a type byte and a rank byte, e.g. 0x00000803 for images, 0x00000801 for labels)", magic));
        }
        if (type != TYPE_UNSIGNED_BYTE) {
            throw new IdxFormatException(file, String.format("magic number 0x%08x has data type 0x%02x; only unsigned "
                    + "bytes (0x08) are supported", magic, type));
        }
        int header = 4 + 4 * rank;
        if (b.length < header) {
            throw new IdxFormatException(file, "the file is truncated: the header needs " + header + " bytes for "
                    + rank + " dimensions but the file has " + b.length);
        }
        int[] dims = new int[rank];
        long expected = 1;
        for (int i = 0; i < rank; i++) {
            dims[i] = readInt(b, 4 + 4 * i);
            if (dims[i] < 0) {
                throw new IdxFormatException(file, "dimension " + i + " is negative: " + dims[i]);
            }
            expected *= dims[i];
        }
        long actual = b.length - header;
        if (actual < expected) {
            throw new IdxFormatException(file, "the file is truncated: dimensions " + Arrays.toString(dims) + " need "
                    + expected + " data bytes but only " + actual + " are present");
        }
        if (actual > expected) {
            throw new IdxFormatException(file, "dimensions " + Arrays.toString(dims) + " need " + expected
                    + " data bytes but " + actual + " are present (" + (actual - expected) + " trailing bytes)");
        }
        return new IdxArray(file, dims, Arrays.copyOfRange(b, header, b.length));
    }

    private static int readInt(byte[] b, int at) {
        return ((b[at] & 0xFF) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
    }
}
