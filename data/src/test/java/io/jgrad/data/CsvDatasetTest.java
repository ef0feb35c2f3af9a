package io.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvDatasetTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }

    @Test
    void integerLabelsByColumnName() throws IOException {
        Path f = write("iris.csv", "sepal,species,petal\n5.1,0,1.4\n\n7.0,2,4.7\n\"6.3\", 1 ,6.0\n");
        Dataset d = CsvDataset.builder(f).labelColumn("species").load();
        assertEquals(3, d.size());
        assertEquals(2, d.numFeatures());
        assertEquals(3, d.numClasses());
        assertArrayEquals(new int[] {0, 2, 1}, d.labels());
        assertArrayEquals(new float[] {5.1f, 1.4f, 7.0f, 4.7f, 6.3f, 6.0f}, d.features().toFloatArray());
    }

    @Test
    void floatTargetsFromTheLastColumnWithoutHeader() throws IOException {
        Path f = write("houses.csv", "1;2;0.25\n3;4;-1.5\n");
        Dataset d = CsvDataset.builder(f).header(false).delimiter(';').floatTargets(true).load();
        assertTrue(d.hasFloatTargets());
        assertArrayEquals(new float[] {0.25f, -1.5f}, d.targets().toFloatArray());
        assertArrayEquals(new float[] {1, 2, 3, 4}, d.features().toFloatArray());
        Dataset first = CsvDataset.builder(f).header(false).delimiter(';').labelColumn(0).numClasses(5).load();
        assertEquals(5, first.numClasses());
        assertArrayEquals(new int[] {1, 3}, first.labels());
    }

    @Test
    void badCellsAreNamedByRecordAndColumn() throws IOException {
        Path f = write("bad.csv", "a,b,y\n1,2,0\n1,x,1\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CsvDataset.builder(f).load());
        assertTrue(e.getMessage().contains("record 2, column 1 ('b')") && e.getMessage().contains("'x'"), e.getMessage());
        Path g = write("frac.csv", "a,y\n1,0.5\n");
        e = assertThrows(IllegalArgumentException.class, () -> CsvDataset.builder(g).load());
        assertTrue(e.getMessage().contains("floatTargets(true)"), e.getMessage());
        Path h = write("ragged.csv", "a,b,y\n1,2,0\n1,1\n");
        e = assertThrows(IllegalArgumentException.class, () -> CsvDataset.builder(h).load());
        assertTrue(e.getMessage().contains("has 2 cells, expected 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CsvDataset.builder(f).labelColumn("label").load());
        assertTrue(e.getMessage().contains("no column 'label'") && e.getMessage().contains("[a, b, y]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CsvDataset.builder(f).labelColumn(7).load());
        assertTrue(e.getMessage().contains("labelColumn(7)"), e.getMessage());
        Path empty = write("empty.csv", "a,y\n");
        e = assertThrows(IllegalArgumentException.class, () -> CsvDataset.builder(empty).load());
        assertTrue(e.getMessage().contains("no data rows"), e.getMessage());
        assertThrows(NoSuchFileException.class, () -> CsvDataset.builder(dir.resolve("missing.csv")).load());
    }
}
