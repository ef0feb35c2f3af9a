package io.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Reads the installed Fashion-MNIST when present (skipped otherwise). */
class FashionMnistRealDataTest {
    @Test
    void loadsTheRealFiles() throws IOException {
        assumeTrue(FashionMnist.isPresent(FashionMnist.DEFAULT_DIR), "Fashion-MNIST is not installed");
        FashionMnist f = FashionMnist.load();
        assertEquals(60_000, f.train().size());
        assertEquals(10_000, f.test().size());
        assertEquals(9, f.train().label(0), "the first training image is an ankle boot");
        for (int c : f.train().classCounts()) {
            assertEquals(6000, c);
        }
        float[] x = f.test().head(100).features().toFloatArray();
        float max = 0;
        for (float v : x) {
            assertTrue(v >= 0 && v <= 1);
            max = Math.max(max, v);
        }
        assertEquals(1f, max);
    }
}
