package io.jgrad.nn.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.autograd.Variable;
import io.jgrad.nn.BatchNorm1d;
import io.jgrad.nn.Checkpoints;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Module;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.SafeTensors;
import io.jgrad.nn.Sequential;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input the other nn tests leave out: empty batches, a checkpoint file that does not fit the
 * model, and safetensors files cut or damaged anywhere. Each is an IllegalArgumentException
 * naming what and where, and nothing is half-changed.
 */
class BadInputTest {
    @TempDir
    Path dir;

    private static IllegalArgumentException rejects(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should contain '" + f + "'");
        }
        return e;
    }

    private static Module model() {
        Rng.manualSeed(4);
        return new Sequential(new Linear(3, 4), new BatchNorm1d(4), new ReLU(), new Linear(4, 2));
    }

    private static void assertSameState(Map<String, Tensor> expected, Module m) {
        Map<String, Tensor> now = m.stateDict();
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {
            assertArrayEquals(e.getValue().toDoubleArray(), now.get(e.getKey()).toDoubleArray(), e.getKey() + " changed");
        }
    }

    @Test
    void emptyBatchesAreNamed() {
        Module m = model();
        rejects(() -> m.forward(Variable.constant(Tensor.zeros(0, 3))), "Linear(3, 4)", "empty batch", "[0, 3]");
        rejects(() -> Linear.linear(Variable.constant(Tensor.zeros(0, 3)), Variable.constant(Tensor.zeros(4, 3)), null),
                "linear", "empty batch", "[0, 3]");
        rejects(() -> new BatchNorm1d(4).forward(Variable.constant(Tensor.zeros(0, 4))), "BatchNorm1d(4)", "[0, 4]");
    }

    @Test
    void aCheckpointThatDoesNotFitNamesFileAndKeyAndChangesNothing() throws IOException {
        Module m = model();
        Map<String, Tensor> before = m.stateDict();
        Path wide = dir.resolve("wide.safetensors");
        Rng.manualSeed(5);
        Checkpoints.save(new Sequential(new Linear(3, 4), new BatchNorm1d(4), new ReLU(), new Linear(4, 3)), wide);
        rejects(() -> Checkpoints.load(m, wide), "wide.safetensors", "'3.weight'", "[3, 4]", "[2, 4]");
        assertSameState(before, m);

        Path other = dir.resolve("other.safetensors");
        Checkpoints.save(new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2)), other);
        rejects(() -> Checkpoints.load(m, other), "other.safetensors", "missing keys [1.weight, 1.bias, 3.weight, 3.bias, 1.running_mean",
                "unexpected keys [2.weight, 2.bias]");
        assertSameState(before, m);

        Path cut = dir.resolve("cut.safetensors");
        Checkpoints.save(model(), cut);
        byte[] bytes = Files.readAllBytes(cut);
        Files.write(cut, Arrays.copyOf(bytes, bytes.length - 1));
        rejects(() -> Checkpoints.load(m, cut), "cut.safetensors", "data_offsets", "truncated or corrupt");
        assertSameState(before, m);
        java.io.UncheckedIOException missing = assertThrows(java.io.UncheckedIOException.class,
                () -> Checkpoints.load(m, dir.resolve("none.safetensors")));
        assertTrue(missing.getMessage().contains("none.safetensors"), missing.getMessage());
        assertSameState(before, m);
    }

    @Test
    void aHeaderLengthWithTheTopBitSetIsReportedNotMisread() throws IOException {
        Path f = dir.resolve("huge.safetensors");
        Files.write(f, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-8).array());
        rejects(() -> SafeTensors.load(f), "huge.safetensors", "header length 18446744073709551608", "exceeds the 8 bytes");
    }

    /**
     * Cutting a valid file at every length, and flipping random bytes of it, never gives anything
     * but a successful load or an IllegalArgumentException naming the file: no index, buffer,
     * arithmetic or out-of-memory error escapes from a damaged checkpoint.
     */
    @Test
    void damagedFilesFailCleanlyWhereverTheDamageIs() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("w", Tensor.randn(new Rng(1), 3, 4));
        tensors.put("b", Tensor.randn(new Rng(2), 4).to(io.jgrad.tensor.DType.FLOAT64));
        tensors.put("n", Tensor.scalar(7f));
        Path good = dir.resolve("good.safetensors");
        SafeTensors.save(tensors, Map.of("format", "pt"), good);
        byte[] bytes = Files.readAllBytes(good);
        Path bad = dir.resolve("bad.safetensors");
        for (int len = 0; len < bytes.length; len++) {
            Files.write(bad, Arrays.copyOf(bytes, len));
            rejects(() -> SafeTensors.load(bad), "bad.safetensors");
        }
        Random random = new Random(42);
        int headerEnd = 8 + (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        for (int trial = 0; trial < 400; trial++) {
            byte[] damaged = bytes.clone();
            int flips = 1 + random.nextInt(3);
            for (int k = 0; k < flips; k++) {
                // mostly in the length field and the header, where damage changes the structure
                int at = random.nextInt(4) == 0 ? random.nextInt(damaged.length) : random.nextInt(headerEnd);
                damaged[at] = trial % 2 == 0 ? (byte) random.nextInt(256) : (byte) "0123456789[]{},:\"-e".charAt(random.nextInt(19));
            }
            Files.write(bad, damaged);
            try {
                SafeTensors.load(bad);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().contains("bad.safetensors"), e.getMessage());
            } catch (RuntimeException | Error e) {
                throw new AssertionError("trial " + trial + ": a damaged file escaped as " + e, e);
            }
        }
    }
}
