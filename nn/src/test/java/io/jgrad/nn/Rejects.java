package io.jgrad.nn;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/** Asserts that a call is rejected with an exception whose message names what went wrong. */
final class Rejects {
    private Rejects() {
    }

    static <T extends Throwable> T assertRejects(Class<T> type, Executable call, String... fragments) {
        T ex = assertThrows(type, call);
        for (String f : fragments) {
            assertTrue(ex.getMessage().contains(f), "message '" + ex.getMessage() + "' should contain '" + f + "'");
        }
        return ex;
    }

    static IllegalArgumentException assertRejects(Executable call, String... fragments) {
        return assertRejects(IllegalArgumentException.class, call, fragments);
    }
}
