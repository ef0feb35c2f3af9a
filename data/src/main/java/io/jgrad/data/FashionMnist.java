package io.jgrad.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * Zalando's Fashion-MNIST (Xiao et al. 2017): 60,000 training and 10,000 test images of 28×28
 * gray pixels in 10 clothing classes, read from the four standard IDX files (gzip or raw).
 * Images are flattened to 784 features scaled to [0, 1], like {@code torchvision}'s
 * {@code ToTensor()}.
 */
public final class FashionMnist {
    /** Where Debian's {@code dataset-fashion-mnist} package installs the files. */
    public static final Path DEFAULT_DIR = Paths.get("/usr/share/datasets/fashion-mnist");
    /** The class names, by label. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    public static final int NUM_CLASSES = 10;
    public static final int NUM_FEATURES = 28 * 28;

    private final Dataset train;
    private final Dataset test;

    private FashionMnist(Dataset train, Dataset test) {
        this.train = train;
        this.test = test;
    }

    /** The 60,000 training images. */
    public Dataset train() {
        return train;
    }

    /** The 10,000 test images. */
    public Dataset test() {
        return test;
    }

    /** Loads from {@link #DEFAULT_DIR}. */
    public static FashionMnist load() throws IOException {
        return load(DEFAULT_DIR);
    }

    /**
     * Loads {@code train-images-idx3-ubyte(.gz)}, {@code train-labels-idx1-ubyte(.gz)},
     * {@code t10k-images-idx3-ubyte(.gz)} and {@code t10k-labels-idx1-ubyte(.gz)} from {@code dir}.
     *
     * @throws NoSuchFileException when the directory or one of the files does not exist
     * @throws IdxFormatException when a file is malformed or images and labels disagree
     */
    public static FashionMnist load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null,
                    "Fashion-MNIST directory not found (install Debian's dataset-fashion-mnist or pass a directory "
                            + "holding train-images-idx3-ubyte.gz and the three other files)");
        }
        return new FashionMnist(read(dir, "train"), read(dir, "t10k"));
    }

    /** Whether {@code dir} holds the four files (gzip or raw). */
    public static boolean isPresent(Path dir) {
        for (String prefix : List.of("train", "t10k")) {
            for (String kind : List.of("images-idx3-ubyte", "labels-idx1-ubyte")) {
                try {
                    find(dir, prefix + "-" + kind);
                } catch (NoSuchFileException e) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Dataset read(Path dir, String prefix) throws IOException {
        IdxReader.IdxArray images = IdxReader.read(find(dir, prefix + "-images-idx3-ubyte"));
        IdxReader.IdxArray labels = IdxReader.read(find(dir, prefix + "-labels-idx1-ubyte"));
        if (images.dims().length != 3 || images.itemSize() != NUM_FEATURES) {
            throw new IdxFormatException(images.file(), "expected images of shape [N, 28, 28], got "
                    + java.util.Arrays.toString(images.dims()));
        }
        if (labels.dims().length != 1) {
            throw new IdxFormatException(labels.file(), "expected a 1-d label file, got dimensions "
                    + java.util.Arrays.toString(labels.dims()));
        }
        if (images.count() != labels.count()) {
            throw new IdxFormatException(labels.file(), "has " + labels.count() + " labels but "
                    + images.file() + " has " + images.count() + " images");
        }
        int[] y = labels.toIntArray();
        for (int i = 0; i < y.length; i++) {
            if (y[i] >= NUM_CLASSES) {
                throw new IdxFormatException(labels.file(), "label " + y[i] + " of item " + i + " is not in [0, 10)");
            }
        }
        return Dataset.wrap(images.toFloatArray(255f), NUM_FEATURES, y, NUM_CLASSES);
    }

    private static Path find(Path dir, String base) throws NoSuchFileException {
        for (String name : List.of(base + ".gz", base)) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new NoSuchFileException(dir.resolve(base + ".gz").toString(), null, "Fashion-MNIST file not found");
    }
}
