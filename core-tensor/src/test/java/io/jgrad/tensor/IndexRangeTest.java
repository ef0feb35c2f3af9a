package io.jgrad.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.backend.Backend;
import io.jgrad.tensor.backend.Checks;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The range {@code Tensor.ofLongs} records decides exactly what a value-by-value check decides
 * (so the indices of an embedding or a token cross-entropy need not be read back), and a bad
 * index is still named at once, with its position, by reading them.
 */
class IndexRangeTest {

    @Test
    void decidesExactlyAsTheValueByValueCheck() {
        Random r = new Random(18);
        long[] ignores = {-100, -1, 0, 3, 5, 6, 9};
        for (int trial = 0; trial < 20_000; trial++) {
            long[] v = new long[1 + r.nextInt(6)];
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextInt(4) == 0 ? ignores[r.nextInt(ignores.length)] : r.nextInt(8) - 1;
            }
            IndexRange range = IndexRange.of(v);
            long bound = 1 + r.nextInt(7);
            long ignore = ignores[r.nextInt(ignores.length)];
            assertEquals(Arrays.stream(v).allMatch(x -> x >= 0 && x < bound), range.within(bound),
                    Arrays.toString(v) + " within " + bound);
            assertEquals(Arrays.stream(v).allMatch(x -> x == ignore || x >= 0 && x < bound),
                    range.classesWithin(bound, ignore), Arrays.toString(v) + " classes " + bound + " ignoring " + ignore);
        }
        assertNull(IndexRange.of(new long[0]));
    }

    @Test
    void goodIndicesAreCheckedWithoutReadingThemAndBadOnesAreNamedAtOnce() {
        Tensor ids = Tensor.ofLongs(new long[] {2, 0, -100, 4, 1, -100}, 2, 3);
        Tensor logits = Tensor.zeros(6, 5);
        long before = Backend.hostReads();
        Checks.targets("crossEntropy", logits.array(), ids, -100);
        Checks.indices("Embedding(5, 2)", Tensor.ofLongs(new long[] {4, 0, 3}, 3), 5);
        assertEquals(0, Backend.hostReads() - before, "a range from Tensor.ofLongs needs no read");
        String m = assertThrows(IllegalArgumentException.class,
                () -> Checks.targets("crossEntropy", logits.array(), ids, -1)).getMessage();
        assertTrue(m.contains("crossEntropy") && m.contains("target -100") && m.contains("[0, 2]"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Checks.indices("Embedding(4, 2)", ids, 4)).getMessage();
        assertTrue(m.contains("Embedding(4, 2)") && m.contains("index -100") && m.contains("[0, 2]"), m);
        Tensor computed = Tensor.wrap(ids.array().add(0));     // made on the device: no range, read to check
        assertNull(computed.indexRange());
        assertFalse(ids.indexRange().within(4));
        Checks.targets("crossEntropy", logits.array(), computed, -100);
    }
}
