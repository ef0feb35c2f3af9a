package io.jgrad.data;

import io.jgrad.tensor.Rng;

/**
 * A random classification problem, scikit-learn's {@code make_classification} algorithm (after
 * Guyon's Madelon design): each class owns {@code clustersPerClass} Gaussian clusters centred on
 * distinct vertices of a hypercube of side {@code 2·classSep} in the {@code informative}
 * dimensions, each cluster sheared by its own random matrix; {@code redundant} features are
 * random linear combinations of the informative ones; the remaining features are pure noise; a
 * fraction {@code flipY} of labels is reassigned at random. Seeded, so the examples and tests
 * always have data to run on, with or without Fashion-MNIST.
 *
 * <pre>{@code
 * Dataset d = SyntheticClassification.builder().samples(2000).features(20).informative(10)
 *         .classes(4).seed(1).build();
 * }</pre>
 */
public final class SyntheticClassification {
    private SyntheticClassification() {
    }

    /** A builder with scikit-learn's defaults (100 samples, 20 features, 2 informative, 2 classes). */
    public static Builder builder() {
        return new Builder();
    }

    /** Options of the generator; defaults are scikit-learn's. */
    public static final class Builder {
        private int samples = 100;
        private int features = 20;
        private int informative = 2;
        private int redundant = 2;
        private int classes = 2;
        private int clustersPerClass = 2;
        private double classSep = 1.0;
        private double flipY = 0.01;
        private long seed;

        private Builder() {
        }

        /** Number of examples (default 100). */
        public Builder samples(int v) {
            samples = v;
            return this;
        }

        /** Total number of features (default 20). */
        public Builder features(int v) {
            features = v;
            return this;
        }

        /** Features that carry the class signal (default 2). */
        public Builder informative(int v) {
            informative = v;
            return this;
        }

        /** Random linear combinations of the informative features (default 2). */
        public Builder redundant(int v) {
            redundant = v;
            return this;
        }

        /** Number of classes (default 2). */
        public Builder classes(int v) {
            classes = v;
            return this;
        }

        /** Gaussian clusters per class (default 2). */
        public Builder clustersPerClass(int v) {
            clustersPerClass = v;
            return this;
        }

        /** Half the hypercube's side: larger makes the problem easier (default 1.0). */
        public Builder classSep(double v) {
            classSep = v;
            return this;
        }

        /** Fraction of labels replaced by random ones (default 0.01). */
        public Builder flipY(double v) {
            flipY = v;
            return this;
        }

        /** Seed of the generator (default 0). */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** Draws the data set. */
        public Dataset build() {
            validate();
            Rng rng = new Rng(seed);
            int clusters = classes * clustersPerClass;
            float[] x = new float[samples * features];
            int[] y = new int[samples];
            double[][] centroids = hypercubeVertices(rng, clusters);
            // Cluster k holds an equal share of the samples (the first ones take the remainder).
            int start = 0;
            for (int k = 0; k < clusters; k++) {
                int count = samples / clusters + (k < samples % clusters ? 1 : 0);
                double[][] a = randomMatrix(rng, informative, informative);
                double[] z = new double[informative];
                for (int i = start; i < start + count; i++) {
                    for (int j = 0; j < informative; j++) {
                        z[j] = rng.nextGaussian();
                    }
                    for (int j = 0; j < informative; j++) {
                        double v = centroids[k][j];
                        for (int m = 0; m < informative; m++) {
                            v += z[m] * a[m][j];
                        }
                        x[i * features + j] = (float) v;
                    }
                    y[i] = k % classes;
                }
                start += count;
            }
            double[][] b = randomMatrix(rng, informative, redundant);
            for (int i = 0; i < samples; i++) {
                int row = i * features;
                for (int r = 0; r < redundant; r++) {
                    double v = 0;
                    for (int m = 0; m < informative; m++) {
                        v += x[row + m] * b[m][r];
                    }
                    x[row + informative + r] = (float) v;
                }
                for (int j = informative + redundant; j < features; j++) {
                    x[row + j] = (float) rng.nextGaussian();
                }
                if (flipY > 0 && rng.nextDouble() < flipY) {
                    y[i] = rng.nextInt(classes);
                }
            }
            Dataset ordered = Dataset.wrap(x, features, y, classes);
            return ordered.subset(rng.permutation(samples));
        }

        private void validate() {
            if (samples <= 0 || features <= 0 || informative <= 0 || classes < 2 || clustersPerClass <= 0
                    || redundant < 0) {
                throw new IllegalArgumentException("SyntheticClassification: need samples, features, informative, "
                        + "clustersPerClass > 0, redundant >= 0 and classes >= 2; got samples=" + samples + " features="
                        + features + " informative=" + informative + " redundant=" + redundant + " classes=" + classes
                        + " clustersPerClass=" + clustersPerClass);
            }
            if (informative + redundant > features) {
                throw new IllegalArgumentException("SyntheticClassification: informative (" + informative
                        + ") + redundant (" + redundant + ") must be <= features (" + features + ")");
            }
            if (informative < 31 && (long) classes * clustersPerClass > (1L << informative)) {
                throw new IllegalArgumentException("SyntheticClassification: classes (" + classes
                        + ") * clustersPerClass (" + clustersPerClass + ") must be <= 2^informative (" + (1L << informative)
                        + ")");
            }
            if (!(flipY >= 0 && flipY <= 1) || !(classSep >= 0)) {
                throw new IllegalArgumentException("SyntheticClassification: flipY must be in [0, 1] and classSep >= 0, "
                        + "got flipY=" + flipY + " classSep=" + classSep);
            }
        }

        /** Distinct random vertices of the hypercube {-classSep, +classSep}^informative. */
        private double[][] hypercubeVertices(Rng rng, int count) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            double[][] out = new double[count][informative];
            for (int k = 0; k < count; k++) {
                String key;
                do {
                    StringBuilder sb = new StringBuilder(informative);
                    for (int j = 0; j < informative; j++) {
                        boolean up = rng.nextInt(2) == 1;
                        out[k][j] = up ? classSep : -classSep;
                        sb.append(up ? '1' : '0');
                    }
                    key = sb.toString();
                } while (!seen.add(key));
            }
            return out;
        }

        private static double[][] randomMatrix(Rng rng, int rows, int cols) {
            double[][] m = new double[rows][cols];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    m[i][j] = 2 * rng.nextDouble() - 1;
                }
            }
            return m;
        }
    }
}
