package io.jgrad.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How far apart {@link NativeMemory} spaces its collections, and the JavaCPP default it relies on. */
class NativeMemoryPacingTest {
    private static final long MS = 1_000_000L;

    @Test
    void collectionsAreSpacedTwentyTimesTheirDurationWithinHalfASecondToTwo() {
        assertEquals(500 * MS, NativeMemory.interval(0));
        assertEquals(500 * MS, NativeMemory.interval(10 * MS));
        assertEquals(1000 * MS, NativeMemory.interval(50 * MS));
        assertEquals(2000 * MS, NativeMemory.interval(150 * MS));
        assertEquals(2000 * MS, NativeMemory.interval(3000 * MS));
    }

    @Test
    void javaCppPhysicalMemoryCheckIsOffUnlessTheUserSetIt() {
        Threads.count();
        assertEquals("0", System.getProperty(JavaCppDefaults.MAX_PHYSICAL_BYTES));
    }
}
