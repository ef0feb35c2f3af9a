package io.jgrad.examples;

import io.jgrad.data.Dataset;
import io.jgrad.data.FashionMnist;
import io.jgrad.data.SyntheticClassification;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The examples' data: Fashion-MNIST from {@code --data}, or the built-in seeded synthetic
 * 10-class set of the same width with {@code --synthetic}. Without {@code --data}, the default
 * location is tried and, when it holds no data set, the synthetic set is used with a one-line
 * note, so every example runs out of the box; a {@code --data} the user typed must exist.
 */
record ExampleData(String name, Dataset train, Dataset test, List<String> classNames) {
    private static final int SYNTHETIC_TRAIN = 6000;
    private static final int SYNTHETIC_TEST = 1000;

    /** The data the options ask for, keeping the first {@code --limit} examples of each split when given. */
    static ExampleData load(TrainOptions opts, PrintWriter out) {
        ExampleData d;
        if (opts.synthetic) {
            d = synthetic(opts.seed);
        } else if (opts.data != null) {
            d = fashionMnist(opts.data);
        } else {
            try {
                FashionMnist f = FashionMnist.load(FashionMnist.DEFAULT_DIR);
                d = new ExampleData("fashion-mnist", f.train(), f.test(), FashionMnist.CLASS_NAMES);
            } catch (IOException e) {
                out.println("No Fashion-MNIST data (" + e.getMessage() + "); using a synthetic 10-class set of "
                        + (SYNTHETIC_TRAIN + SYNTHETIC_TEST) + " examples with 784 features instead.");
                d = synthetic(opts.seed);
            }
        }
        Integer limit = opts.limit;
        if (limit != null) {
            if (limit <= 0) {
                throw new IllegalArgumentException("--limit must be positive, got " + limit);
            }
            d = new ExampleData(d.name() + "-limit" + limit, d.train().head(limit), d.test().head(limit), d.classNames());
        }
        return d;
    }

    /** Fashion-MNIST from a directory the user named: anything missing is an error naming it. */
    private static ExampleData fashionMnist(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--data " + dir + ": no such directory (leave --data out to use the "
                    + "default location, or pass --synthetic for the built-in synthetic set)");
        }
        try {
            FashionMnist f = FashionMnist.load(dir);
            return new ExampleData("fashion-mnist", f.train(), f.test(), FashionMnist.CLASS_NAMES);
        } catch (IOException e) {
            throw new IllegalArgumentException("--data " + dir + ": cannot read Fashion-MNIST there: " + e.getMessage(), e);
        }
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
