package io.jgrad.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;

/** Medians, rounding, peak memory and time since JVM start: the numbers every result line carries. */
final class Stats {
    private Stats() {
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    static double round(double x, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(x * f) / f;
    }

    static double[] round(double[] xs, int digits) {
        double[] r = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            r[i] = round(xs[i], digits);
        }
        return r;
    }

    /** Peak resident set size in MiB ({@code VmHWM} of /proc/self/status), the figure torch_bench.py reports. */
    static double peakRssMib() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0, 1);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: fall through
        }
        return -1;
    }

    /**
     * CPU time of the whole process so far, ns (all threads; -1 if the JVM cannot tell): on a
     * shared machine the work a run did, where its wall-clock time also counts other processes'.
     */
    static long processCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean b ? b.getProcessCpuTime() : -1;
    }

    /** Seconds since this JVM started. */
    static double sinceJvmStart() {
        return (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0;
    }
}
