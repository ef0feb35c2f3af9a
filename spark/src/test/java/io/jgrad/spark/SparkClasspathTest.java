package io.jgrad.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jgrad.nn.Checkpoints;
import io.jgrad.nn.Module;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The dependency clashes the spark module settles: Jackson on Spark's 2.15 line (jgrad's
 * SafeTensors checkpoints must still write and read there), and logback as the one slf4j
 * provider (spark-core alone would bring log4j's and jgrad's progress could end up in a no-op).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SparkClasspathTest {
    @TempDir
    Path dir;

    @Test
    void jacksonIsSparksLineAndCheckpointsStillRoundTrip() {
        String version = com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString();
        assertTrue(version.startsWith("2.15."), "jackson-databind " + version + " on the classpath; Spark 3.5 needs 2.15");
        Module a = Fixtures.mlpWithBatchNormAndDropout().get();
        Path file = dir.resolve("m.safetensors");
        Checkpoints.save(a, file);
        Module b = Fixtures.mlpWithBatchNormAndDropout().get();
        Checkpoints.load(b, file);
        Fixtures.assertBitForBit(a, b);
    }

    @Test
    void logbackIsTheOnlySlf4jProvider() {
        assertEquals("ch.qos.logback.classic.LoggerContext", LoggerFactory.getILoggerFactory().getClass().getName());
    }
}
