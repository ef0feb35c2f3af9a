package io.jgrad.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The JavaCPP default jgrad sets before ND4J loads (see {@link JavaCppDefaults}). */
class JavaCppDefaultsTest {

    @Test
    void javaCppPhysicalMemoryCheckIsOffUnlessTheUserSetIt() {
        Threads.count();
        assertEquals("0", System.getProperty(JavaCppDefaults.MAX_PHYSICAL_BYTES));
    }
}
