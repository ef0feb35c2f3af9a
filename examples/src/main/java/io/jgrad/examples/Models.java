package io.jgrad.examples;

import io.jgrad.nn.BatchNorm1d;
import io.jgrad.nn.BatchNorm2d;
import io.jgrad.nn.Conv2d;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.Flatten;
import io.jgrad.nn.Linear;
import io.jgrad.nn.MaxPool2d;
import io.jgrad.nn.Module;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
import io.jgrad.nn.Unflatten;
import java.util.ArrayList;
import java.util.List;

/** The examples' networks, as PyTorch's {@code nn.Sequential} would write them. */
final class Models {
    private Models() {
    }

    /** {@code in → h1 → [BatchNorm1d] → ReLU → h2 → ... → classes}. */
    static Sequential mlp(int in, int[] hidden, int classes, boolean batchNorm) {
        List<Module> layers = new ArrayList<>();
        int width = in;
        for (int h : hidden) {
            layers.add(new Linear(width, h));
            if (batchNorm) {
                layers.add(new BatchNorm1d(h));
            }
            layers.add(new ReLU());
            width = h;
        }
        layers.add(new Linear(width, classes));
        return new Sequential(layers.toArray(new Module[0]));
    }

    /** The teacher: {@code in → 1200 → ReLU → Dropout → 1200 → ReLU → Dropout → classes}. */
    static Sequential teacher(int in, int classes, double dropout) {
        return new Sequential(new Linear(in, 1200), new ReLU(), new Dropout(dropout), new Linear(1200, 1200),
                new ReLU(), new Dropout(dropout), new Linear(1200, classes));
    }

    /** The student: {@code in → 32 → ReLU → classes}. */
    static Sequential student(int in, int classes) {
        return new Sequential(new Linear(in, 32), new ReLU(), new Linear(32, classes));
    }

    /**
     * The CNN for {@code side × side} grey images given as flat rows: two blocks
     * {@code Conv2d(3×3, padding 1) → BatchNorm2d → ReLU → MaxPool2d(2)} of {@code channels[0]} and
     * {@code channels[1]} maps, then {@code Linear → ReLU → Dropout → Linear}.
     */
    static Sequential cnn(int side, int[] channels, int hidden, double dropout, int classes) {
        if (channels.length != 2 || side % 4 != 0) {
            throw new IllegalArgumentException("cnn: needs two channel counts and a side divisible by 4, got "
                    + java.util.Arrays.toString(channels) + " and " + side);
        }
        int flat = channels[1] * (side / 4) * (side / 4);
        return new Sequential(new Unflatten(1, 1, side, side),
                new Conv2d(1, channels[0], 3, 1, 1), new BatchNorm2d(channels[0]), new ReLU(), new MaxPool2d(2),
                new Conv2d(channels[0], channels[1], 3, 1, 1), new BatchNorm2d(channels[1]), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(flat, hidden), new ReLU(), new Dropout(dropout), new Linear(hidden, classes));
    }
}
