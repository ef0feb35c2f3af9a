package io.jgrad.examples;

import io.jgrad.data.Dataset;
import io.jgrad.data.FashionMnist;
import io.jgrad.data.SyntheticClassification;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * The examples' data: Fashion-MNIST when its files are found, otherwise (announced in one line)
 * a seeded synthetic 10-class set of the same width, so every example always runs.
 */
record ExampleData(String name, Dataset train, Dataset test, List<String> classNames) {
    private static final int SYNTHETIC_TRAIN = 6000;
    private static final int SYNTHETIC_TEST = 1000;

    /** Loads {@code dir} (or falls back), keeping the first {@code limit} examples of each split when given. */
    static ExampleData load(Path dir, Integer limit, long seed, PrintWriter out) {
        ExampleData d;
        try {
            FashionMnist f = FashionMnist.load(dir);
            d = new ExampleData("fashion-mnist", f.train(), f.test(), FashionMnist.CLASS_NAMES);
        } catch (IOException e) {
            out.println("No Fashion-MNIST data (" + e.getMessage() + "); using a synthetic 10-class set of "
                    + (SYNTHETIC_TRAIN + SYNTHETIC_TEST) + " examples with 784 features instead.");
            d = synthetic(seed);
        }
        if (limit != null) {
            if (limit <= 0) {
                throw new IllegalArgumentException("--limit must be positive, got " + limit);
            }
            d = new ExampleData(d.name() + "-limit" + limit, d.train().head(limit), d.test().head(limit), d.classNames());
        }
        return d;
    }

    private static ExampleData synthetic(long seed) {
        Dataset all = SyntheticClassification.builder().samples(SYNTHETIC_TRAIN + SYNTHETIC_TEST).features(784)
                .informative(16).redundant(16).classes(10).clustersPerClass(2).classSep(1.5).flipY(0.01).seed(seed)
                .build();
        double fraction = (double) SYNTHETIC_TRAIN / (SYNTHETIC_TRAIN + SYNTHETIC_TEST);
        Dataset.Split split = all.split(fraction, seed);
        return new ExampleData("synthetic", split.first(), split.second(), null);
    }
}
