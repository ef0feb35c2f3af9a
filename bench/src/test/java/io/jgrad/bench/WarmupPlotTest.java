package io.jgrad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** warmup.sh's chart: one panel per workload from warmup.py's lines, and a clear error for a bad line. */
class WarmupPlotTest {
    @TempDir
    Path dir;

    @Test
    void drawsOnePanelPerWorkload() throws Exception {
        Path png = dir.resolve("warmup.png");
        WarmupPlot.write(List.of("overhead\tround 0\t300\t44.1", "overhead\tround 0\t550\t61.0",
                "mlp-steps\tround 0\t300\t64.9", "mlp-steps\tround 0\t550\t72.3", ""), png);
        byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > 1000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', "a PNG");
        javax.imageio.ImageIO.setUseCache(false);
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
        assertEquals(2 * 640, image.getWidth(), "two 640-pixel panels side by side");
    }

    @Test
    void aLineThatIsNotFourFieldsIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WarmupPlot.write(List.of("overhead\tround 0\t300"), dir.resolve("x.png")));
        assertTrue(e.getMessage().contains("overhead\tround 0\t300"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WarmupPlot.write(List.of(""), dir.resolve("y.png")));
    }
}
