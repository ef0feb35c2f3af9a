package io.jgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.tensor.Tensor;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetTest {
    @Test
    void fromTensorSubsetHeadAndSplit() {
        Tensor x = Tensor.of(new float[] {0, 0, 1, 1, 2, 2, 3, 3, 4, 4}, 5, 2);
        Dataset d = Dataset.of(x, new int[] {0, 1, 2, 1, 0});
        assertEquals(5, d.size());
        assertEquals(2, d.numFeatures());
        assertEquals(3, d.numClasses());
        assertArrayEquals(new int[] {2, 2, 1}, d.classCounts());
        Dataset s = d.subset(new int[] {4, 2, 2});
        assertArrayEquals(new float[] {4, 4, 2, 2, 2, 2}, s.features().toFloatArray());
        assertArrayEquals(new int[] {0, 2, 2}, s.labels());
        assertEquals(2, d.head(2).size());
        Dataset.Split split = d.split(0.6, 9);
        assertEquals(3, split.first().size());
        assertEquals(2, split.second().size());
        Set<Float> firstCol = new HashSet<>();
        for (Dataset part : new Dataset[] {split.first(), split.second()}) {
            float[] f = part.features().toFloatArray();
            for (int i = 0; i < part.size(); i++) {
                firstCol.add(f[2 * i]);
                assertEquals(d.label((int) f[2 * i]), part.label(i));
            }
        }
        assertEquals(5, firstCol.size(), "the parts are disjoint and cover everything");
    }

    @Test
    void badInputNamesTheProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.of(new float[5], 2, new int[] {0, 1}, 2));
        assertTrue(e.getMessage().contains("5 feature values"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Dataset.of(new float[4], 2, new int[] {0, 3}, 2));
        assertTrue(e.getMessage().contains("label 3"), e.getMessage());
        Dataset d = Dataset.of(new float[4], 2, new int[] {0, 1}, 2);
        assertThrows(IllegalArgumentException.class, () -> d.subset(new int[] {2}));
        assertThrows(IllegalArgumentException.class, () -> d.split(1.0, 0));
    }

    @Test
    void syntheticClassificationIsSeededBalancedAndLearnable() {
        SyntheticClassification.Builder b = SyntheticClassification.builder().samples(600).features(12)
                .informative(6).redundant(2).classes(3).clustersPerClass(2).flipY(0).classSep(2.0);
        Dataset a = b.seed(5).build();
        Dataset same = b.seed(5).build();
        Dataset other = b.seed(6).build();
        assertEquals(600, a.size());
        assertEquals(12, a.numFeatures());
        assertEquals(3, a.numClasses());
        assertArrayEquals(new int[] {200, 200, 200}, a.classCounts());
        assertArrayEquals(a.features().toFloatArray(), same.features().toFloatArray());
        assertArrayEquals(a.labels(), same.labels());
        assertFalse(Arrays.equals(a.features().toFloatArray(), other.features().toFloatArray()));
        // Nearest class mean on the informative block separates well-separated clusters far
        // above chance (1/3): the labels really depend on the features.
        assertTrue(nearestCentroidAccuracy(a) > 0.6, "accuracy " + nearestCentroidAccuracy(a));
        assertThrows(IllegalArgumentException.class,
                () -> SyntheticClassification.builder().informative(1).classes(3).build());
    }

    private static double nearestCentroidAccuracy(Dataset d) {
        float[] x = d.features().toFloatArray();
        int f = d.numFeatures();
        double[][] mean = new double[d.numClasses()][f];
        int[] counts = d.classCounts();
        for (int i = 0; i < d.size(); i++) {
            for (int j = 0; j < f; j++) {
                mean[d.label(i)][j] += x[i * f + j] / counts[d.label(i)];
            }
        }
        int correct = 0;
        for (int i = 0; i < d.size(); i++) {
            int best = -1;
            double bestDist = Double.MAX_VALUE;
            for (int c = 0; c < d.numClasses(); c++) {
                double dist = 0;
                for (int j = 0; j < f; j++) {
                    double t = x[i * f + j] - mean[c][j];
                    dist += t * t;
                }
                if (dist < bestDist) {
                    bestDist = dist;
                    best = c;
                }
            }
            correct += best == d.label(i) ? 1 : 0;
        }
        return (double) correct / d.size();
    }
}
