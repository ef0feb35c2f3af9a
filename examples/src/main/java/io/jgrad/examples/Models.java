package io.jgrad.examples;

import io.jgrad.nn.BatchNorm1d;
import io.jgrad.nn.Dropout;
import io.jgrad.nn.Linear;
import io.jgrad.nn.Module;
import io.jgrad.nn.ReLU;
import io.jgrad.nn.Sequential;
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
}
