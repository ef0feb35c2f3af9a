package io.jgrad.examples;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options of data-parallel training on Apache Spark (a picocli mixin of {@code jgrad mlp}). */
final class SparkOptions {
    @Option(names = "--spark", paramLabel = "MASTER", description = "Train data-parallel on Spark: local[2], "
            + "local-cluster[2,1,1024] or spark://host:7077. --batch-size is then the global batch, split evenly "
            + "over the workers.")
    String master;

    @Option(names = "--workers", description = "Spark workers (partitions), one block of the global batch each "
            + "(default: the context's default parallelism).")
    Integer workers;

    @Option(names = "--spark-conf", paramLabel = "KEY=VALUE", description = "A Spark setting, repeatable, "
            + "e.g. spark.executor.memoryOverhead=1g.")
    Map<String, String> conf = new LinkedHashMap<>();

    boolean enabled() {
        return master != null;
    }
}
