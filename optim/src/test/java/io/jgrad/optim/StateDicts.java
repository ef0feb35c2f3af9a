package io.jgrad.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Edits of a state dict and the all-or-nothing assertion the loading tests share. */
final class StateDicts {
    private StateDicts() {
    }

    /** A copy of {@code state} with {@code key} set to {@code value} (null allowed: a key that maps to null). */
    static Map<String, Tensor> with(Map<String, Tensor> state, String key, Tensor value) {
        Map<String, Tensor> m = new LinkedHashMap<>(state);
        m.put(key, value);
        return m;
    }

    /** A copy of {@code state} without {@code key}. */
    static Map<String, Tensor> without(Map<String, Tensor> state, String key) {
        Map<String, Tensor> m = new LinkedHashMap<>(state);
        assertTrue(m.remove(key) != null, "the dict has no key " + key + " to remove");
        return m;
    }

    /** Equal keys and, key by key, equal shapes and values. */
    static void assertSameState(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, v) -> {
            assertArrayEquals(v.shape(), actual.get(k).shape(), k);
            assertArrayEquals(v.toDoubleArray(), actual.get(k).toDoubleArray(), k);
        });
    }

    /**
     * Loading {@code bad} throws an {@link IllegalArgumentException} from {@code owner}'s
     * loadStateDict whose message names {@code key} and holds {@code fragments}, and leaves
     * {@code state()} exactly as it was.
     */
    static void assertRejected(String owner, Supplier<Map<String, Tensor>> state, Consumer<Map<String, Tensor>> load,
                               Map<String, Tensor> bad, String key, String... fragments) {
        Map<String, Tensor> before = state.get();
        String msg = assertThrows(IllegalArgumentException.class, () -> load.accept(bad)).getMessage();
        assertTrue(msg.startsWith(owner + ".loadStateDict: "), "message names the class: " + msg);
        assertTrue(msg.contains(key), "message names the key " + key + ": " + msg);
        for (String f : fragments) {
            assertTrue(msg.contains(f), "message '" + msg + "' should contain '" + f + "'");
        }
        assertSameState(before, state.get());
    }
}
