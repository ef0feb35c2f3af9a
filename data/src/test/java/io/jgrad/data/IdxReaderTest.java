package io.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsRawAndGzipIdentically() throws IOException {
        byte[] raw = IdxTestFiles.idx(new byte[] {1, 2, 3, (byte) 200, 5, 6}, 2, 3);
        IdxReader.IdxArray a = IdxReader.read(IdxTestFiles.write(dir, "a.idx", raw));
        IdxReader.IdxArray b = IdxReader.read(IdxTestFiles.write(dir, "b.idx.gz", IdxTestFiles.gzip(raw)));
        assertArrayEquals(new int[] {2, 3}, a.dims());
        assertEquals(2, a.count());
        assertEquals(3, a.itemSize());
        assertArrayEquals(new int[] {1, 2, 3, 200, 5, 6}, a.toIntArray());
        assertArrayEquals(a.data(), b.data());
        assertEquals(200f / 255f, a.toFloatArray(255f)[3]);
    }

    @Test
    void wrongMagicNumberNamesTheFile() throws IOException {
        byte[] bad = IdxTestFiles.idx(new byte[4], 4);
        bad[0] = 0x12;
        Path p = IdxTestFiles.write(dir, "bad-magic.idx", bad);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(p));
        assertTrue(e.getMessage().contains("bad-magic.idx") && e.getMessage().contains("magic"), e.getMessage());
        assertEquals(p, e.file());
    }

    @Test
    void unsupportedTypeIsRejected() throws IOException {
        byte[] bad = IdxTestFiles.idx(new byte[4], 4);
        bad[2] = 0x0D;
        Path p = IdxTestFiles.write(dir, "floats.idx", bad);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(p));
        assertTrue(e.getMessage().contains("0x0d"), e.getMessage());
    }

    @Test
    void truncatedDataIsReported() throws IOException {
        byte[] full = IdxTestFiles.idx(new byte[100], 10, 10);
        Path p = IdxTestFiles.write(dir, "short.idx", Arrays.copyOf(full, full.length - 7));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(p));
        assertTrue(e.getMessage().contains("short.idx") && e.getMessage().contains("truncated")
                && e.getMessage().contains("93"), e.getMessage());
    }

    @Test
    void truncatedHeaderIsReported() throws IOException {
        byte[] full = IdxTestFiles.idx(new byte[0], 0, 28, 28);
        Path p = IdxTestFiles.write(dir, "header.idx", Arrays.copyOf(full, 9));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(p));
        assertTrue(e.getMessage().contains("header"), e.getMessage());
        Path tiny = IdxTestFiles.write(dir, "tiny.idx", new byte[] {0, 0});
        assertThrows(IdxFormatException.class, () -> IdxReader.read(tiny));
    }

    @Test
    void truncatedGzipStreamIsReported() throws IOException {
        byte[] gz = IdxTestFiles.gzip(IdxTestFiles.images(20));
        Path p = IdxTestFiles.write(dir, "cut.gz", Arrays.copyOf(gz, gz.length / 2));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(p));
        assertTrue(e.getMessage().contains("cut.gz") && e.getMessage().contains("gzip"), e.getMessage());
    }

    @Test
    void trailingBytesAreReported() throws IOException {
        byte[] full = IdxTestFiles.idx(new byte[5], 4);
        Path p = IdxTestFiles.write(dir, "long.idx", full);
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(p));
        assertTrue(e.getMessage().contains("trailing"), e.getMessage());
    }

    @Test
    void missingFileIsNoSuchFile() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> IdxReader.read(dir.resolve("nope")));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    @Test
    void fashionMnistLoadsFourFilesGzipOrRaw() throws IOException {
        IdxTestFiles.fashionDir(dir, 12, 5);
        assertTrue(FashionMnist.isPresent(dir));
        FashionMnist f = FashionMnist.load(dir);
        assertEquals(12, f.train().size());
        assertEquals(5, f.test().size());
        assertEquals(784, f.train().numFeatures());
        assertEquals(10, f.train().numClasses());
        assertEquals(7, f.train().label(7));
        float[] x = f.train().subset(new int[] {3}).features().toFloatArray();
        assertEquals((3 * 7 + 10) % 256 / 255f, x[10]);
    }

    @Test
    void imageAndLabelCountsMustAgree() throws IOException {
        IdxTestFiles.fashionDir(dir, 12, 5);
        IdxTestFiles.write(dir, "t10k-labels-idx1-ubyte", IdxTestFiles.labels(4));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> FashionMnist.load(dir));
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte") && e.getMessage().contains("t10k-images")
                && e.getMessage().contains("4 labels") && e.getMessage().contains("5 images"), e.getMessage());
    }

    @Test
    void missingDirectoryOrFileIsClear() throws IOException {
        Path missing = dir.resolve("no-such-dir");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> FashionMnist.load(missing));
        assertTrue(e.getMessage().contains("no-such-dir") && e.getMessage().contains("directory"), e.getMessage());
        IdxTestFiles.fashionDir(dir, 3, 3);
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte"));
        assertTrue(!FashionMnist.isPresent(dir));
        NoSuchFileException f = assertThrows(NoSuchFileException.class, () -> FashionMnist.load(dir));
        assertTrue(f.getMessage().contains("t10k-labels-idx1-ubyte"), f.getMessage());
    }
}
