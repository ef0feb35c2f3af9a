package io.jgrad.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files (well-formed or deliberately broken) for the tests. */
final class IdxTestFiles {
    private IdxTestFiles() {
    }

    /** An IDX file of unsigned bytes: header for {@code dims} followed by {@code data}. */
    static byte[] idx(byte[] data, int... dims) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.put((byte) 0).put((byte) 0).put((byte) 0x08).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bos)) {
            out.write(raw);
        }
        return bos.toByteArray();
    }

    static Path write(Path dir, String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** {@code n} 28×28 images whose pixel values are {@code (i * 7 + j) % 256}. */
    static byte[] images(int n) {
        byte[] px = new byte[n * 784];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 784; j++) {
                px[i * 784 + j] = (byte) ((i * 7 + j) % 256);
            }
        }
        return idx(px, n, 28, 28);
    }

    static byte[] labels(int n) {
        byte[] y = new byte[n];
        for (int i = 0; i < n; i++) {
            y[i] = (byte) (i % 10);
        }
        return idx(y, n);
    }

    /** A directory with the four Fashion-MNIST files holding {@code nTrain} and {@code nTest} items. */
    static void fashionDir(Path dir, int nTrain, int nTest) throws IOException {
        write(dir, "train-images-idx3-ubyte.gz", gzip(images(nTrain)));
        write(dir, "train-labels-idx1-ubyte.gz", gzip(labels(nTrain)));
        write(dir, "t10k-images-idx3-ubyte", images(nTest));
        write(dir, "t10k-labels-idx1-ubyte", labels(nTest));
    }
}
