package io.jgrad.spark;

import io.jgrad.nn.Module;
import java.io.Serializable;
import java.util.function.Supplier;

/**
 * Builds the model to train. {@link SparkTrainer} calls it once on the driver for the initial
 * weights and on the executors for their replicas, which then receive the driver's weights; it
 * is serialized into every task, so it must capture only serializable values (a lambda over
 * numbers works: {@code () -> new Sequential(new Linear(784, 32), new ReLU(), new Linear(32, 10))}).
 *
 * <pre>{@code
 * ModelFactory factory = () -> new Sequential(new Linear(784, 32), new ReLU(), new Linear(32, 10));
 * }</pre>
 */
@FunctionalInterface
public interface ModelFactory extends Serializable, Supplier<Module> {
}
