package io.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.DType;
import io.jgrad.tensor.Rng;
import io.jgrad.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data sets for sequence models (issue 19): INT64 targets of any shape in {@link Dataset} and
 * its batches, the character corpus of the {@code lm} recipe (vocabulary, split, the fortunes
 * file rules) and next-character windows.
 */
class TokenDataTest {
    @TempDir
    Path dir;

    @Test
    void datasetOfTokenWindowsBatchesInt64InputsAndTargets() {
        long[] x = new long[5 * 3];
        long[] y = new long[5 * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 7;
            y[i] = i % 4 == 0 ? Dataset.IGNORE_INDEX : (i + 1) % 7;
        }
        Dataset d = Dataset.of(Tensor.ofLongs(x, 5, 3), Tensor.ofLongs(y, 5, 3), 7);
        assertTrue(d.hasIndexTargets());
        assertFalse(d.hasFloatTargets());
        assertEquals(5, d.size());
        assertEquals(7, d.numClasses());
        assertArrayEquals(new long[] {3}, d.inputShape());
        assertArrayEquals(new long[] {3}, d.targetShape());
        Batch b = d.gather(new int[] {4, 1}, 0, 2);
        assertTrue(b.hasIndexTargets() && !b.hasFloatTargets());
        assertEquals(DType.INT64, b.features().dtype());
        assertArrayEquals(new long[] {2, 3}, b.features().shape());
        assertArrayEquals(new long[] {12 % 7, 13 % 7, 14 % 7, 3, 4, 5}, b.features().toLongArray());
        assertArrayEquals(new long[] {-100, 0, 1, 4, -100, 6}, b.targets().toLongArray());
        assertEquals(2, b.size());
        assertThrows(IllegalStateException.class, b::labels);
        assertThrows(IllegalStateException.class, d::labels);
        Dataset.Split s = d.split(0.6, 3);
        assertEquals(3, s.first().size());
        assertTrue(s.first().hasIndexTargets());
        assertArrayEquals(new long[] {2, 3}, s.second().targets().shape());
        int batches = 0;
        for (Batch batch : DataLoader.builder(d).batchSize(2).shuffle(true).seed(1).build()) {
            assertArrayEquals(new long[] {batch.size(), 3}, batch.targets().shape());
            batches++;
        }
        assertEquals(3, batches);
        assertTrue(d.toString().contains("INT64[3]"), d.toString());
    }

    @Test
    void datasetTakesFloatInputsWithPerTokenTargets() {
        Tensor x = Tensor.randn(new Rng(1), 4, 3, 2);
        Dataset d = Dataset.of(x, Tensor.ofLongs(new long[] {0, 1, 2, 2, 1, 0, 0, 0, 1, 1, 2, 2}, 4, 3), 3);
        Batch b = d.gather(new int[] {2}, 0, 1);
        assertArrayEquals(new long[] {1, 3, 2}, b.features().shape());
        assertArrayEquals(java.util.Arrays.copyOfRange(x.toFloatArray(), 12, 18), b.features().toFloatArray());
        assertArrayEquals(new long[] {4, 3, 2}, d.features().shape());
        assertArrayEquals(new long[] {0, 1, 2, 2, 1, 0, 0, 0, 1}, d.head(3).targets().toLongArray());
    }

    @Test
    void datasetRejectsBadTargetsNamingThem() {
        Tensor x = Tensor.ofLongs(new long[] {0, 1, 2, 3}, 2, 2);
        String m = assertThrows(IllegalArgumentException.class,
                () -> Dataset.of(x, Tensor.ofLongs(new long[] {0, 1, 5, 0}, 2, 2), 4)).getMessage();
        assertTrue(m.contains("target 5") && m.contains("1, 0"), m);
        assertThrows(IllegalArgumentException.class, () -> Dataset.of(x, Tensor.zeros(2, 2), 4));
        assertThrows(IllegalArgumentException.class, () -> Dataset.of(x, Tensor.ofLongs(new long[] {0, 1, 2}, 3), 4));
        assertThrows(IllegalArgumentException.class, () -> Dataset.of(x, Tensor.ofLongs(new long[] {0, 1}, 2), 0));
    }

    @Test
    void corpusVocabularyIsTheSortedDistinctCharacters() {
        CharCorpus c = CharCorpus.of("hello, wörld 🙂!");
        assertEquals(" !,dehlorw\u00f6\ud83d\ude42", c.vocabulary());
        assertEquals(12, c.vocabSize());
        assertEquals(15, c.length(), "code points, not UTF-16 units");
        assertEquals("hello, wörld 🙂!", c.decode(c.ids()));
        assertArrayEquals(new long[] {4, 5}, c.encode("eh"));
        String m = assertThrows(IllegalArgumentException.class, () -> c.encode("hex")).getMessage();
        assertTrue(m.contains("'x'") && m.contains("position 2"), m);
        assertThrows(IllegalArgumentException.class, () -> c.decode(new long[] {12}));
        CharCorpus.Split s = CharCorpus.of("abcdefghij").split(0.9);
        assertEquals(9, s.train().length);
        assertArrayEquals(new long[] {9}, s.validation());
        CharCorpus.Split odd = CharCorpus.of("abcdefg").split(0.9);
        assertEquals((int) (0.9 * 7), odd.train().length);
    }

    @Test
    void fortunesReadsPlainFilesInNameOrderOnly() throws Exception {
        Files.writeString(dir.resolve("zen"), "z\u00e9n\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("art"), "art\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("art.dat"), "INDEX", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("Bee"), "bee\n", StandardCharsets.UTF_8);
        Files.createDirectory(dir.resolve("sub"));
        Files.createSymbolicLink(dir.resolve("link"), dir.resolve("art"));
        Files.createSymbolicLink(dir.resolve("art.u8"), dir.resolve("art"));
        assertEquals("bee\nart\nz\u00e9n\n", CharCorpus.readFortunes(dir));
        assertEquals("\nabenrtz\u00e9", CharCorpus.fortunes(dir).vocabulary());
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> CharCorpus.readFortunes(dir.resolve("missing")));
        assertTrue(e.getMessage().contains("apt-get install -y fortunes"), e.getMessage());
    }

    @Test
    void windowsPairEachInputWithTheNextToken() {
        long[] tokens = new long[20];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i % 5;
        }
        TokenWindows w = new TokenWindows(tokens, 4, 5);
        assertEquals(16, w.numStarts());
        Batch b = w.batch(0, 15);
        assertArrayEquals(new long[] {0, 1, 2, 3, 0, 1, 2, 3}, b.features().toLongArray());
        assertArrayEquals(new long[] {1, 2, 3, 4, 1, 2, 3, 4}, b.targets().toLongArray());
        assertThrows(IllegalArgumentException.class, () -> w.batch(16));
        assertArrayEquals(new int[] {0, 5, 10, 15}, w.fixedStarts(4));
        assertArrayEquals(new int[] {0, 2, 4, 6, 8, 10, 12, 15}, w.fixedStarts(8), "floor(i·15/7)");
        List<Integer> seen = new ArrayList<>();
        Batch r = w.randomBatch(new Rng(3), 200);
        for (int s : r.indices()) {
            assertTrue(s >= 0 && s < 16, "start " + s);
            seen.add(s);
        }
        assertTrue(seen.contains(0) && seen.contains(15), "every start can be drawn");
        Dataset fixed = w.fixed(4);
        assertArrayEquals(new long[] {4, 4}, fixed.features().shape());
        assertEquals(5, fixed.numClasses());
        assertEquals(4, w.all(4).size());
        assertThrows(IllegalArgumentException.class, () -> new TokenWindows(new long[] {0, 1, 2}, 3, 5));
        assertThrows(IllegalArgumentException.class, () -> new TokenWindows(new long[] {0, 1, 7}, 1, 5));
    }
}
