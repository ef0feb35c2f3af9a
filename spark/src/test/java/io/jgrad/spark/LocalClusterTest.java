package io.jgrad.spark;

import io.jgrad.data.Dataset;
import io.jgrad.nn.Module;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.Timeout;

/**
 * Proof (3): {@code local-cluster[2,1,1024]}, a standalone master and two workers each starting
 * a separate executor JVM, with no Spark distribution: surefire sets {@code SPARK_TESTING=1},
 * {@code SPARK_SCALA_VERSION=2.12} and {@code SPARK_LOCAL_IP=127.0.0.1}, and the executors get this
 * JVM's classpath. The run must match the shard simulator bit for bit: weights, data and
 * gradients really cross process boundaries here (Java serialization, broadcast, collect).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
@EnabledForJreRange(max = JRE.JAVA_22)   // Spark 3.5: Hadoop's login needs Subject.getSubject, refused from Java 23 on
class LocalClusterTest {
    @Test
    void separateExecutorJvmsMatchTheSimulatorBitForBit() throws Exception {
        Path home = Files.createDirectories(Path.of("target", "spark-test-home"));
        // executors fetch nothing from a Spark home, but the standalone worker insists on having one
        System.setProperty("spark.test.home", home.toAbsolutePath().toString());
        SparkConf conf = new SparkConf().setMaster("local-cluster[2,1,1024]").setAppName("jgrad-local-cluster-test")
                .set("spark.ui.enabled", "false")
                .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .set("spark.executorEnv.OMP_NUM_THREADS", "1")
                // executors are separate JVMs: they must run the same kernels as this one to match it bit for bit
                .set("spark.executor.extraJavaOptions", "-Dorg.bytedeco.javacpp.logger.debug=false -Djgrad.backend="
                        + io.jgrad.tensor.backend.Backend.current().id());
        Dataset train = Fixtures.data(4 * Fixtures.WORKERS * Fixtures.BATCH);
        SparkTrainer t = Fixtures.adam(Fixtures.mlpWithBatchNormAndDropout()).epochs(2)
                .classWeights(Fixtures.CLASS_WEIGHTS).build();
        Module expected = t.fitSequential(train, null);
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            Fixtures.assertBitForBit(expected, t.fit(sc, train));
        }
    }
}
