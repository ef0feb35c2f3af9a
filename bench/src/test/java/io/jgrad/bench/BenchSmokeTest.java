package io.jgrad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every workload of the suite runs end to end in {@code --smoke} mode (a few steps on small
 * synthetic data) and prints its JSON result lines with the fields the comparison reads.
 * No timings are asserted.
 */
class BenchSmokeTest {
    private static List<String> run(String workload) throws Exception {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            Bench.main(new String[] {"--workload", workload, "--smoke"});
        } finally {
            System.setOut(saved);
        }
        return Arrays.stream(buf.toString(StandardCharsets.UTF_8).split("\n")).filter(l -> l.startsWith("{")).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "mlp-bn", "overhead", "mlp-steps", "wide", "distill", "gemm", "linear", "memory", "cnn",
        "lenet", "scaling", "lm", "lstm", "lm-memory"})
    void workloadPrintsItsResults(String workload) throws Exception {
        List<String> lines = run(workload);
        assertTrue(!lines.isEmpty(), workload + " printed no result line");
        String expected = switch (workload) {
            case "mlp", "mlp-bn", "cnn" -> "\"epoch_seconds_median\"";
            case "overhead", "mlp-steps", "wide", "lenet", "lm", "lstm" -> "\"steps_per_second\"";
            case "memory", "lm-memory" -> "\"vm_rss_mib\"";
            case "distill" -> "\"student_kd_test_accuracy\"";
            case "gemm", "linear" -> "\"gflops_median\"";
            case "scaling" -> "\"speedup_vs_1\"";
            default -> throw new IllegalStateException(workload);
        };
        for (String l : lines) {
            assertTrue(l.contains("\"framework\": \"jgrad\"") && l.endsWith("}"), l);
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains(expected)), workload + ": no " + expected + " in " + lines);
        if (!List.of("gemm", "linear", "distill", "memory", "lm-memory", "scaling").contains(workload)) {
            assertTrue(lines.get(0).contains("\"peak_rss_mib\""), lines.get(0));
        }
    }

    /**
     * A steps/s line says when each timed block began (seconds since the JVM started, the clock of
     * the JIT's and the collector's logs), one entry a block, in order, each after the warm-up's start.
     */
    @Test
    void stepBlocksCarryTheirStartTimes() throws Exception {
        String line = run("lenet").get(0);
        Matcher m = Pattern.compile("\"block_start_seconds_since_jvm_start\": \\[([^\\]]*)]").matcher(line);
        assertTrue(m.find(), line);
        double[] starts = Arrays.stream(m.group(1).split(",")).mapToDouble(x -> Double.parseDouble(x.trim())).toArray();
        Matcher blocks = Pattern.compile("\"block_seconds\": \\[([^\\]]*)]").matcher(line);
        assertTrue(blocks.find(), line);
        assertEquals(blocks.group(1).split(",").length, starts.length, line);
        Matcher first = Pattern.compile("\"startup_to_first_step_seconds\": ([0-9.]+)").matcher(line);
        assertTrue(first.find(), line);
        double previous = Double.parseDouble(first.group(1));
        for (double s : starts) {
            assertTrue(s >= previous, "block starts out of order in " + line);
            previous = s;
        }
    }
}
