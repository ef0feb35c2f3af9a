package io.jgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackendTest {
    @Test
    void propertyWinsOverEnvironmentWhichWinsOverDefault() {
        assertEquals(Backend.ND4J, Backend.resolve("nd4j", "cpu", true));
        assertEquals(Backend.CPU, Backend.resolve(null, " CPU ", false));
        assertEquals(Backend.CPU, Backend.resolve("", null, true));
        assertEquals(Backend.ND4J, Backend.resolve(null, null, false));
    }

    @Test
    void unknownNameIsRejectedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Backend.resolve("cuda", null, true));
        assertTrue(e.getMessage().contains("'cuda'") && e.getMessage().contains("jgrad.backend"), e.getMessage());
    }

    @Test
    void currentMatchesTheConfiguredProperty() {
        String p = System.getProperty("jgrad.backend");
        Backend expected = p == null || p.isBlank() ? Backend.resolve(null, System.getenv("JGRAD_BACKEND"), true) : Backend.parse(p, "test");
        assertEquals(expected, Backend.current());
    }
}
